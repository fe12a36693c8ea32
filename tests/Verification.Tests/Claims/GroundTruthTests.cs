using System.Collections.Concurrent;
using Verification.Claims.Framework;

namespace Verification.Tests.Claims;

/// <summary>
/// The claims on models whose mechanisms were set by hand (tools/ground_truth/attn_only_2l_circuits.py), in generic form:
/// each claim must hold on the ground truth, and fail on the broken twin whose previous-token head's QK was flattened, with
/// a failing check that names the missing mechanism. Cells the ground truth does not satisfy yet are skipped, with why.
/// </summary>
public sealed class GroundTruthTests
{
    public const string GroundTruth = "ground-truth/attn-only-2l-circuits";
    public const string NoPreviousToken = "ground-truth/attn-only-2l-circuits-no-previous-token";
    private static readonly ConcurrentDictionary<string, Lazy<ModelTarget>> Targets = new();

    private static ClaimOutcome Run(string claim, string model)
    {
        var target = Targets.GetOrAdd(model, m => new Lazy<ModelTarget>(() =>
            ModelCatalog.FromDirectory(Path.GetFileName(m), TargetKind.Fixture, RepoPaths.Fixture(m)))).Value;
        var result = new ClaimRunner(null, new ClaimRunContext(RunSize.Ci, ClaimRunContext.DefaultSeed)).Run(ClaimCatalog.Get(claim), target);
        return result.Outcome;
    }

    public static TheoryData<string> Holding() => new() { "G1", "A1", "A2", "A3", "A4", "A8", "S1", "S3", "I1", "I2", "I3", "I4" };

    [Theory]
    [MemberData(nameof(Holding))]
    public void Claim_holds_on_the_ground_truth(string claim)
    {
        var outcome = Run(claim, GroundTruth);
        outcome.Verdict.Should().Be(Verdict.Holds, $"{claim} was built into the ground truth: {outcome.Reason}");
        outcome.Checks.Should().OnlyContain(c => c.Passed);
    }

    // The ground truth lacks these mechanisms so far: L0H0's window is one mixture (no offset coding), so B and D tie on
    // the triplet and length sequences (A5, A6, A7 at length 3), and the token-norm spread is too small for S2's B powers.
    [Theory(Skip = "not built into the ground truth yet: the triplet/length mechanism (A5, A6, A7) and S2's B-power spread")]
    [InlineData("A5")]
    [InlineData("A6")]
    [InlineData("A7")]
    [InlineData("S2")]
    public void Claim_holds_on_the_ground_truth_pending(string claim) =>
        Run(claim, GroundTruth).Verdict.Should().Be(Verdict.Holds);

    public static TheoryData<string, string> FailingOnTwin() => new()
    {
        { "G1", "an induction head exists" },
        { "A1", "is an induction head" },
        { "A2", "mostly the previous token" },
        { "S1", "induction strength positive" },
        { "I1", "largest K-composition" },
    };

    [Theory]
    [MemberData(nameof(FailingOnTwin))]
    public void Claim_fails_on_the_twin_without_a_previous_token_head_naming_it(string claim, string failingCheck)
    {
        var outcome = Run(claim, NoPreviousToken);
        outcome.Verdict.Should().Be(Verdict.Fails, $"{claim} needs the previous-token head the twin lacks: {outcome.Reason}");
        outcome.Checks.Where(c => !c.Passed).Select(c => c.Name).Should().Contain(n => n.Contains(failingCheck), outcome.Reason);
    }
}
