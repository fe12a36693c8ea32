using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Tensors;

namespace Verification.Experiments;

/// <summary>
/// One head's value-vector norms: the mean L2 norm of hook_v at position 0 (BOS, the attention sink) and at positions 1..T−1,
/// and their ratio (per sequence, then averaged); standard errors are over sequences.
/// </summary>
public sealed record ValueNormStatistic(int Layer, int Head, double BosNorm, double OtherNorm, double Ratio, double RatioSe)
{
    public string Label => $"L{Layer}H{Head}";
}

/// <summary>Value-vector norms at the sink position versus elsewhere (the "small sink values" of Guo et al.).</summary>
public static class ValueNorms
{
    public static IReadOnlyList<ValueNormStatistic> Measure(HookedTransformer model, Tokens tokens, IReadOnlyList<HeadRef> heads)
    {
        if (heads.Count == 0) throw new ArgumentException("no heads to measure");
        if (tokens.Length < 2) throw new ArgumentException("value norms need BOS and at least one more position");
        var layers = heads.Select(h => h.Layer).Distinct().ToHashSet();
        var names = layers.Select(HookNames.V).ToHashSet();
        var cache = model.Run(tokens, new ForwardOptions { CacheFilter = names.Contains, StopAtLayer = layers.Max() + 1 }).Cache!;
        return heads.Select(h =>
        {
            var v = cache[HookNames.V(h.Layer)];
            var bos = new double[tokens.Batch];
            var other = new double[tokens.Batch];
            var ratio = new double[tokens.Batch];
            for (int b = 0; b < tokens.Batch; b++)
            {
                (bos[b], other[b]) = PerSequence(v, b, h.Head);
                // A head whose value vectors are zero everywhere writes nothing anywhere: 0/0 counts as 1 (BOS not smaller).
                ratio[b] = other[b] > 0 ? bos[b] / other[b] : bos[b] > 0 ? double.PositiveInfinity : 1;
            }
            return new ValueNormStatistic(h.Layer, h.Head, bos.Average(), other.Average(), ratio.Average(), Statistics.StandardError(ratio));
        }).ToList();
    }

    /// <summary>(norm of v at position 0, mean norm of v over positions 1..T−1) for sequence b and one head of [batch, pos, head, d_head].</summary>
    public static (double Bos, double Other) PerSequence(Tensor v, int b, int head)
    {
        int t = v.Shape[1], heads = v.Shape[2], dh = v.Shape[3];
        double Norm(int p)
        {
            var span = v.Data.AsSpan(((b * t + p) * heads + head) * dh, dh);
            double s = 0;
            foreach (var x in span) s += (double)x * x;
            return Math.Sqrt(s);
        }
        double other = 0;
        for (int p = 1; p < t; p++) other += Norm(p);
        return (Norm(0), other / (t - 1));
    }
}
