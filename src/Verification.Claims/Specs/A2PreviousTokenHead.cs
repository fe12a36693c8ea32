using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>A2: averaged over random sequences, the previous-token head attends mostly one back, a little to itself, two back and BOS.</summary>
public sealed class A2PreviousTokenHead : DecoderClaimSpec
{
    public const double ALittle = 0.01;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "A2",
        Title = "L0H3 is a previous-token head",
        Source = "[001] attn-only-2l: induction circuits for longer sequences",
        Statement = "Averaged over random sequences, the previous-token head gives most of its attention to the previous token, and a small " +
                    "amount to the current token, the token two back and BOS.",
        PublishedModel = "attn-only-2l",
        Published = new[] { new PublishedNumber("sequences averaged", 500) },
        Rule = $"The head's attention by offset peaks at offset 1 (more than any other offset and than BOS: the document's \"mostly\"), and offsets 0, " +
               $"2 and BOS each get at least {ALittle} (our threshold for \"a little\"). Head: L0H3 on attn-only-2l, else the previous-token head HeadRoles detects.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var heads = CircuitHeads.For(target, context);
        var run = LayerZeroOffsets.Measure(target.Model, context);
        var p = run.Profiles[heads.PreviousToken.Head];
        double one = p.ByOffset[1];
        var checks = new List<ClaimCheck>
        {
            new("mostly the previous token", p.PeakOffset == 1 && one > p.Bos, $"peak at offset {p.PeakOffset} ({p.ByOffset[p.PeakOffset]:F3}); BOS {p.Bos:F3}",
                "peak at offset 1, above BOS", CheckOwner.Document),
            new("a little the current token", p.ByOffset[0] >= ALittle, $"{p.ByOffset[0]:F3}", $"≥ {ALittle}", CheckOwner.Ours),
            new("a little two back", p.ByOffset[2] >= ALittle, $"{p.ByOffset[2]:F3}", $"≥ {ALittle}", CheckOwner.Ours),
            new("a little BOS", p.Bos >= ALittle, $"{p.Bos:F3}", $"≥ {ALittle}", CheckOwner.Ours),
        };
        var verdict = ClaimOutcome.Judge(checks);
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = $"{heads.PreviousToken}: " + (verdict == Verdict.Holds ? "" : ClaimOutcome.FailedText(checks) + "; ") +
                     $"attention by offset {p.Describe()}. {heads.Source}",
            Checks = checks,
            Protocol = run.Protocol,
            Measured = LayerZeroOffsets.Numbers(p),
            Figures = LayerZeroOffsets.Figures(target, run, p, "previous-token head"),
        };
    }
}
