using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Tensors;
using Verification.Tensors.Backends;

namespace Verification.Experiments;

/// <summary>What share of a layer-0 head's output variance is explained by position, in the model and with values emulated as a shortformer's.</summary>
public sealed record PositionalShareResult(HeadRef Head, double Standard, double Shortformer, int Sequences, int FirstPosition, int Positions)
{
    /// <summary>E[R²] when position explains nothing: (P − 1) / (B·P − 1) for B sequences and P positions.</summary>
    public double NoiseFloor => (Positions - 1.0) / (Sequences * (double)Positions - 1);
}

/// <summary>
/// How much positional information a layer-0 head writes, the raw material of Q-composition with positions. The head's output
/// o[b, p] = z[b, p, h]·W_O[h] on random sequences; its positional share is R² = (variance of the per-position means) /
/// (total variance) over positions FirstPosition..T−1 (about 1/batch when position explains nothing; from position 2 by default,
/// where a previous-token head's previous token is a random token rather than BOS). The shortformer
/// emulation keeps the model's attention patterns (queries and keys still see W_pos) but computes layer 0's values from the
/// token embeddings alone (hook_v replaced by a run with hook_pos_embed zeroed), as TransformerLens's shortformer does:
/// positions never enter the residual stream, so the OV input has no W_pos term.
/// </summary>
public static class PositionalShare
{
    public static PositionalShareResult LayerZeroHead(HookedTransformer model, int head, Tokens tokens, int firstPosition = 2)
    {
        if ((uint)head >= (uint)model.Config.NHeads) throw new ArgumentOutOfRangeException(nameof(head), $"head {head} outside 0..{model.Config.NHeads - 1}");
        if (firstPosition < 0 || firstPosition > tokens.Length - 2) throw new ArgumentException($"first position {firstPosition} leaves fewer than two positions of {tokens.Length}");
        string z = HookNames.Z(0), v = HookNames.V(0);
        var standard = CacheLayerZero(model, tokens, z, Array.Empty<Hook>());
        var noPositionValues = CacheLayerZero(model, tokens, v, new[] { new Hook(HookNames.PosEmbed, (x, _) => Tensor.Zeros(x.Shape)) });
        var shortformer = CacheLayerZero(model, tokens, z, new[] { Patch.Replace(v, noPositionValues) });
        return new PositionalShareResult(new HeadRef(0, head),
            Share(HeadOutput(model, standard, head), tokens.Batch, tokens.Length, model.Config.DModel, firstPosition),
            Share(HeadOutput(model, shortformer, head), tokens.Batch, tokens.Length, model.Config.DModel, firstPosition),
            tokens.Batch, firstPosition, tokens.Length - firstPosition);
    }

    /// <summary>
    /// R² of position for vectors x[b, p, :] ([batch, pos, d] row-major), over positions first..pos−1:
    /// Σ_p ‖mean_b x[b,p] − mean‖² · batch / Σ_{b,p} ‖x[b,p] − mean‖²; 0 when the vectors do not vary.
    /// </summary>
    public static double Share(float[] x, int batch, int pos, int d, int first)
    {
        int positions = pos - first;
        var grand = new double[d];
        var perPosition = new double[positions, d];
        for (int b = 0; b < batch; b++)
            for (int p = first; p < pos; p++)
                for (int m = 0; m < d; m++)
                {
                    double value = x[(b * pos + p) * d + m];
                    perPosition[p - first, m] += value / batch;
                    grand[m] += value / (batch * positions);
                }
        double between = 0, total = 0;
        for (int p = 0; p < positions; p++)
            for (int m = 0; m < d; m++) between += batch * Math.Pow(perPosition[p, m] - grand[m], 2);
        for (int b = 0; b < batch; b++)
            for (int p = first; p < pos; p++)
                for (int m = 0; m < d; m++) total += Math.Pow(x[(b * pos + p) * d + m] - grand[m], 2);
        return total > 0 ? between / total : 0;
    }

    private static Tensor CacheLayerZero(HookedTransformer model, Tokens tokens, string name, IReadOnlyList<Hook> hooks) =>
        model.Run(tokens, new ForwardOptions { Hooks = hooks, CacheFilter = n => n == name, StopAtLayer = 1 }).Cache![name];

    // z [batch, pos, head, d_head] → this head's write to the residual stream, [batch·pos, d_model] (b_O left out: a constant).
    private static float[] HeadOutput(HookedTransformer model, Tensor z, int head)
    {
        int rows = z.Shape[0] * z.Shape[1], heads = z.Shape[2], dh = z.Shape[3], d = model.Config.DModel;
        var o = new float[rows * d];
        Compute.Backend.Gemm(false, false, rows, d, dh, z.Data.AsSpan(head * dh), heads * dh,
            HeadCircuits.Slice(model.Weights.Blocks[0].W_O, head), d, o, d);
        return o;
    }
}
