using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>G3: the induction heads' value vectors at the sink position (BOS) are much smaller than at other positions.</summary>
public sealed class G3SmallSinkValues : DecoderClaimSpec
{
    public const double MuchSmaller = 0.5;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "G3",
        Title = "Small sink values",
        Source = "[000] GPT-2 small: induction heads, and where they look when their input is absent (citing Guo et al., Active-Dormant Attention Heads)",
        Statement = "The value vectors at the sink position (BOS) have a much smaller norm than at the other positions, so attending to BOS writes little.",
        PublishedModel = "gpt2-small",
        Rule = $"For every induction head (as G2 selects them), the mean norm of hook_v at position 0 is < {MuchSmaller} × the mean norm at positions 1..T−1 " +
               "on the G2 text windows.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        var heads = SinkHeads.For(target, context);
        var (tokens, protocol) = SinkHeads.Windows(model, context);
        var norms = ValueNorms.Measure(model, tokens, heads.Heads);
        var large = norms.Where(n => !(n.BosNorm < MuchSmaller * n.OtherNorm)).ToList();
        string each = string.Join(", ", norms.Select(n => $"{n.Label} {n.BosNorm:F3} vs {n.OtherNorm:F3} (ratio {n.Ratio:F3} ± {n.RatioSe:F3})"));
        return new ClaimOutcome
        {
            Verdict = large.Count == 0 ? Verdict.Holds : Verdict.Fails,
            Reason = (large.Count == 0 ? $"every induction head's BOS value norm is < {MuchSmaller} × the others'" : $"{string.Join(", ", large.Select(n => n.Label))} not below {MuchSmaller} ×") +
                     $": {each}. Heads: {heads.Source}",
            Protocol = protocol + "; L2 norm of hook_v per position, BOS vs mean of positions 1..T−1, per window then averaged (ratio ± s.e. over windows)",
            Measured = norms.SelectMany(n => new[]
            {
                new MeasuredNumber($"{n.Label} value norm at BOS", n.BosNorm, 1e-4 * Math.Max(1, n.BosNorm)),
                new MeasuredNumber($"{n.Label} value norm elsewhere", n.OtherNorm, 1e-4 * Math.Max(1, n.OtherNorm)),
                new MeasuredNumber($"{n.Label} value norm ratio BOS/elsewhere", n.Ratio, 1e-4, n.RatioSe),
            }).ToList(),
            Figures = new Figure[]
            {
                new BarChartFigure($"Value-vector norm at BOS relative to elsewhere ({target.Name})", $"threshold {MuchSmaller}; {tokens.Batch} windows",
                    norms.Select(n => n.Label).ToArray(), norms.Select(n => n.Ratio).ToArray(), "norm at BOS / norm elsewhere"),
            },
        };
    }
}
