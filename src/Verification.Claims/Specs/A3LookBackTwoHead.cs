using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>A3: averaged over random sequences, the look-back-two head spreads attention over the previous 4-5 tokens, peaking two back.</summary>
public sealed class A3LookBackTwoHead : DecoderClaimSpec
{
    public const double Each = 0.02, Together = 0.5;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "A3",
        Title = "L0H0 looks back two",
        Source = "[001] attn-only-2l: induction circuits for longer sequences",
        Statement = "Averaged over random sequences, the look-back-two head spreads its attention over the previous 4-5 tokens, peaking two tokens back.",
        PublishedModel = "attn-only-2l",
        Published = new[] { new PublishedNumber("sequences averaged", 500) },
        Rule = $"The head's attention by offset peaks at offset 2 (more than any other offset and than BOS: the document's), each of offsets 1..4 gets " +
               $"at least {Each} and offsets 1..4 together at least {Together} (our thresholds for \"spreads over the previous 4-5 tokens\"). Head: L0H0 on attn-only-2l, else the look-back-two head HeadRoles detects.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var heads = CircuitHeads.For(target, context);
        var run = LayerZeroOffsets.Measure(target.Model, context);
        var p = run.Profiles[heads.LookBackTwo.Head];
        double spread = Enumerable.Range(1, 4).Sum(d => p.ByOffset[d]);
        var thin = Enumerable.Range(1, 4).Where(d => p.ByOffset[d] < Each).ToList();
        var checks = new List<ClaimCheck>
        {
            new("peaks two tokens back", p.PeakOffset == 2 && p.ByOffset[2] > p.Bos, $"peak at offset {p.PeakOffset} ({p.ByOffset[p.PeakOffset]:F3}); BOS {p.Bos:F3}",
                "peak at offset 2, above BOS", CheckOwner.Document),
            new("each of the previous 4 tokens attended", thin.Count == 0, string.Join(", ", Enumerable.Range(1, 4).Select(d => $"{d}: {p.ByOffset[d]:F3}")),
                $"offsets 1..4 each ≥ {Each}", CheckOwner.Ours),
            new("spread over the previous 4-5 tokens", spread >= Together, $"{spread:F3}", $"offsets 1..4 together ≥ {Together}", CheckOwner.Ours),
        };
        var verdict = ClaimOutcome.Judge(checks);
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = $"{heads.LookBackTwo}: " + ClaimOutcome.FailedText(checks) + $"; attention by offset {p.Describe()}. {heads.Source}",
            Checks = checks,
            Protocol = run.Protocol,
            Measured = LayerZeroOffsets.Numbers(p).Append(new MeasuredNumber($"{p.Label} attention to offsets 1..4", spread, 1e-4)).ToList(),
            Figures = LayerZeroOffsets.Figures(target, run, p, "look-back-two head"),
        };
    }
}
