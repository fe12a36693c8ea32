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
    private static readonly string AcceptCommand =
        $"dotnet run --project src/Verification.Cli -c Release -- golden accept --golden {SpecSession.Golden.Directory} (or VERIFICATION_ACCEPT=1 dotnet test)";

    [ClaimFact]
    public void Claim(string claim, string model)
    {
        var result = SpecSession.Run(claim, model);
        var outcome = result.Outcome;
        output.WriteLine($"{claim} on {model}: {GoldenStore.VerdictName(outcome.Verdict)} ({result.Seconds:F1} s)");
        output.WriteLine($"reason: {outcome.Reason}");
        // On a golden mismatch the moved numbers are the message; the full list would bury them.
        if (result.Golden != GoldenStatus.Mismatch) output.WriteLine($"protocol: {outcome.Protocol}");
        foreach (var m in result.Golden == GoldenStatus.Mismatch ? Array.Empty<MeasuredNumber>() : outcome.Measured)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {m.Name} = {m.Value:G6}{(m.StandardError is { } se ? $" ± {se:G3}" : "")} (tolerance {m.Tolerance:G3})"));

        foreach (var c in outcome.Checks)
            output.WriteLine($"  check [{(c.Passed ? "pass" : "FAIL")}] {c.Name}: {c.Measured}; wanted {c.Wanted} ({ClaimCheck.OwnerName(c.Whose)}, {ClaimCheck.GroupName(c.Group)})");

        outcome.Verdict.Should().NotBe(Verdict.NotRun, $"{claim} on {model} was expected to run: {outcome.Reason}");
        outcome.Checks.Should().NotBeEmpty($"{claim}'s rule is judged as named checks");
        outcome.Verdict.Should().Be(ClaimOutcome.Judge(outcome.Checks), "a claim holds exactly when every one of its checks passes");
        var verified = Path.GetRelativePath(Path.GetDirectoryName(SpecSession.Golden.Directory)!, SpecSession.Golden.VerifiedPath(claim, model));
        if (SpecSession.Size == RunSize.Ci && result.ModelKind == TargetKind.Fixture && result.Golden == GoldenStatus.Missing)
            throw new GoldenMismatchException($"{claim} on {model}: no golden file yet; review {SpecSession.Golden.ReceivedPath(claim, model)}, then accept: {AcceptCommand}");
        // Published models have no committed golden numbers (their weights are not on our machines): a user's first run records them.
        if (result.Golden == GoldenStatus.Missing) output.WriteLine($"no golden file yet: {SpecSession.Golden.ReceivedPath(claim, model)} written");
        if (result.Golden == GoldenStatus.Mismatch)
            throw new GoldenMismatchException(string.Join("\n", result.GoldenDifferences.Select(d => $"{claim} on {model}: {d} ({verified})")) +
                                              (result.GoldenNote is { } note ? $"\n{model}: {note}" : "") +
                                              $"\nif the change is intended, accept it: {AcceptCommand}");
        if (result.ModelKind == TargetKind.Published)
            outcome.Verdict.Should().Be(Verdict.Holds, $"the published claim {claim} did not replicate on {model}: {outcome.Reason}");
    }
}

/// <summary>
/// A golden number moved: the message is one line per moved number and the command that accepts it. No stack trace: where
/// the comparison happens is never the news, and the trace would bury the numbers.
/// </summary>
public sealed class GoldenMismatchException(string message) : Exception(message)
{
    public override string? StackTrace => null;
}
