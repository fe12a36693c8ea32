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
        Rule = "From the cited work (Guo et al.), not measured in the document. For every induction head (as G2 selects them, with G2's check that they " +
               "are induction heads), the mean L2 norm of the raw value vectors hook_v (weights as loaded: no fold_ln, no fold_value_biases) at position 0 " +
               $"is < {MuchSmaller} × the mean norm at positions 1..T−1 on G2's windows (\"much smaller\" is the cited work's; {MuchSmaller} is our " +
               "threshold; a head whose value vectors are zero everywhere is not smaller). gpt2-small: on Pile-10k, as G2; not run while " +
               "the dataset is absent.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        if (SinkHeads.Windows(target, context, out var notRun) is not { } text) return ClaimOutcome.NotRun(notRun);
        var heads = SinkHeads.For(target, context);
        var tokens = text.Tokens;
        // Raw value vectors: processing folds LayerNorm's scale and bias into W_V / b_V and moves b_V into b_O, which changes hook_v.
        var raw = target.Directory is { } dir ? Verification.Lens.ModelLoader.Load(dir, Verification.Lens.Weights.WeightProcessingOptions.None)
            : throw new InvalidOperationException($"{target.Name}: no directory to load unprocessed weights from");
        var norms = heads.Heads.Count > 0 ? ValueNorms.Measure(raw, tokens, heads.Heads) : Array.Empty<ValueNormStatistic>();
        var small = norms.Select(n => new ClaimCheck($"{n.Label} BOS value norm much smaller", n.BosNorm < MuchSmaller * n.OtherNorm,
            $"{n.BosNorm:F3} vs {n.OtherNorm:F3} (ratio {n.Ratio:F3} ± {n.RatioSe:F3})", $"ratio < {MuchSmaller}", CheckOwner.Ours)).ToList();
        var checks = heads.Checks.Concat(small).ToList();
        var verdict = ClaimOutcome.Judge(checks);
        string each = norms.Count == 0 ? "no induction head to measure"
            : string.Join(", ", norms.Select(n => $"{n.Label} {n.BosNorm:F3} vs {n.OtherNorm:F3} (ratio {n.Ratio:F3} ± {n.RatioSe:F3})"));
        return new ClaimOutcome
        {
            Verdict = verdict,
            Checks = checks,
            Reason = (verdict == Verdict.Holds ? $"every induction head's BOS value norm is < {MuchSmaller} × the others'" : ClaimOutcome.FailedText(checks)) +
                     $": {each}. Heads: {heads.Source}",
            Protocol = text.Protocol + "; raw weights (no processing); L2 norm of hook_v per position, BOS vs mean of positions 1..T−1, per window then averaged (ratio ± s.e. over windows)",
            Measured = norms.SelectMany(n => new[]
            {
                new MeasuredNumber($"{n.Label} value norm at BOS", n.BosNorm, 1e-4 * Math.Max(1, n.BosNorm)),
                new MeasuredNumber($"{n.Label} value norm elsewhere", n.OtherNorm, 1e-4 * Math.Max(1, n.OtherNorm)),
                new MeasuredNumber($"{n.Label} value norm ratio BOS/elsewhere", n.Ratio, 1e-4, n.RatioSe),
            }).Prepend(new MeasuredNumber("induction heads measured (count)", norms.Count, 0)).ToList(),
            Figures = new Figure[]
            {
                new BarChartFigure($"Value-vector norm at BOS relative to elsewhere ({target.Name})", $"threshold {MuchSmaller}; {tokens.Batch} windows",
                    norms.Select(n => n.Label).ToArray(), norms.Select(n => n.Ratio).ToArray(), "norm at BOS / norm elsewhere"),
            },
        };
    }
}
