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
        Rule = $"The head's attention by offset peaks at offset 2 (more than any other offset and than BOS), each of offsets 1..4 gets at least {Each}, " +
               $"and offsets 1..4 together at least {Together}. Head: L0H0 on attn-only-2l, else the look-back-two head HeadRoles detects.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var heads = CircuitHeads.For(target, context);
        var run = LayerZeroOffsets.Measure(target.Model, context);
        var p = run.Profiles[heads.LookBackTwo.Head];
        double spread = Enumerable.Range(1, 4).Sum(d => p.ByOffset[d]);
        var thin = Enumerable.Range(1, 4).Where(d => p.ByOffset[d] < Each).ToList();
        var checks = new List<(bool Ok, string Text)>
        {
            (p.PeakOffset == 2 && p.ByOffset[2] > p.Bos, $"peak at offset {p.PeakOffset} ({p.ByOffset[p.PeakOffset]:F3}; BOS {p.Bos:F3})"),
            (thin.Count == 0, thin.Count == 0 ? $"offsets 1..4 each ≥ {Each}" : $"offsets {string.Join(", ", thin)} below {Each}"),
            (spread >= Together, $"offsets 1..4 together {spread:F3}"),
        };
        bool holds = checks.All(c => c.Ok);
        return new ClaimOutcome
        {
            Verdict = holds ? Verdict.Holds : Verdict.Fails,
            Reason = $"{heads.LookBackTwo}: " + string.Join("; ", checks.Select(c => (c.Ok ? "" : "FAILS ") + c.Text)) +
                     $"; attention by offset {p.Describe()}. {heads.Source}",
            Protocol = run.Protocol,
            Measured = LayerZeroOffsets.Numbers(p).Append(new MeasuredNumber($"{p.Label} attention to offsets 1..4", spread, 1e-4)).ToList(),
            Figures = LayerZeroOffsets.Figures(target, run, p, "look-back-two head"),
        };
    }
}
