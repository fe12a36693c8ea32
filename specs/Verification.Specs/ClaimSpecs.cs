using System.Globalization;
using Verification.Claims.Framework;
using Verification.Claims.Golden;
using Xunit.Abstractions;

namespace Verification.Specs;

/// <summary>
/// Every claim of ../shared/claims.md on every model: one test each. A test passes when the claim measured the same as its
/// golden numbers (golden/&lt;claim&gt;.&lt;model&gt;.verified.json, within the stated tolerances) — including a claim that
/// correctly "fails" on a fixture that lacks the phenomenon — and, on a published model, when the claim also holds.
/// The verdict, the reason and every number are written to the test output.
/// </summary>
public sealed class ClaimSpecs(ITestOutputHelper output)
{
    [ClaimFact]
    public void Claim(string claim, string model)
    {
        var result = SpecSession.Run(claim, model);
        var outcome = result.Outcome;
        output.WriteLine($"{claim} on {model}: {GoldenStore.VerdictName(outcome.Verdict)} ({result.Seconds:F1} s)");
        output.WriteLine($"reason: {outcome.Reason}");
        output.WriteLine($"protocol: {outcome.Protocol}");
        foreach (var m in outcome.Measured)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {m.Name} = {m.Value:G6}{(m.StandardError is { } se ? $" ± {se:G3}" : "")} (tolerance {m.Tolerance:G3})"));

        foreach (var c in outcome.Checks)
            output.WriteLine($"  check [{(c.Passed ? "pass" : "FAIL")}] {c.Name}: {c.Measured}; wanted {c.Wanted} ({ClaimCheck.OwnerName(c.Whose)}, {ClaimCheck.GroupName(c.Group)})");

        outcome.Verdict.Should().NotBe(Verdict.NotRun, $"{claim} on {model} was expected to run: {outcome.Reason}");
        outcome.Checks.Should().NotBeEmpty($"{claim}'s rule is judged as named checks");
        outcome.Verdict.Should().Be(ClaimOutcome.Judge(outcome.Checks), "a claim holds exactly when every one of its checks passes");
        if (SpecSession.Size == RunSize.Ci && result.ModelKind == TargetKind.Fixture)
            result.Golden.Should().NotBe(GoldenStatus.Missing,
                $"{claim} on {model} has no golden file yet: review {SpecSession.Golden.ReceivedPath(claim, model)} and run `verification golden accept` (or VERIFICATION_ACCEPT=1)");
        // Published models have no committed golden numbers (their weights are not on our machines): a user's first run records them.
        if (result.Golden == GoldenStatus.Missing) output.WriteLine($"no golden file yet: {SpecSession.Golden.ReceivedPath(claim, model)} written");
        result.Golden.Should().NotBe(GoldenStatus.Mismatch,
            $"{claim} on {model} moved against golden/{claim}.{model}.verified.json:\n  " + string.Join("\n  ", result.GoldenDifferences));
        if (result.ModelKind == TargetKind.Published)
            outcome.Verdict.Should().Be(Verdict.Holds, $"the published claim {claim} did not replicate on {model}: {outcome.Reason}");
    }
}
