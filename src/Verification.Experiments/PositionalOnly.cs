using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Tensors;

namespace Verification.Experiments;

/// <summary>
/// A forward pass on positional embeddings alone (hook_embed zeroed, as TransformerLens users do it), so a layer's attention
/// patterns depend only on position; the tokens fed in are irrelevant (BOS everywhere).
/// </summary>
public static class PositionalOnly
{
    /// <summary>The [1, head, q, k] attention pattern of <paramref name="layer"/> over the first <paramref name="positions"/> positions.</summary>
    public static Tensor Patterns(HookedTransformer model, int positions, int layer = 0)
    {
        if (positions < 2 || positions > model.Config.NCtx) throw new ArgumentException($"positions {positions} must be in 2..n_ctx {model.Config.NCtx}");
        if ((uint)layer >= (uint)model.Config.NLayers) throw new ArgumentOutOfRangeException(nameof(layer), $"layer {layer} outside 0..{model.Config.NLayers - 1}");
        int filler = model.BosTokenId ?? 0;
        var tokens = new Tokens(Enumerable.Repeat(filler, positions).ToArray(), 1, positions);
        var zeroEmbed = new Hook(HookNames.Embed, (x, _) => { Array.Clear(x.Data); return x; });
        string name = HookNames.Pattern(layer);
        return model.Run(tokens, new ForwardOptions { Hooks = new[] { zeroEmbed }, CacheFilter = n => n == name, StopAtLayer = layer + 1 }).Cache![name];
    }

    /// <summary>Per query q (from 0), the offset q − k of the key it attends to most in one head of a [1, head, q, k] pattern.</summary>
    public static int[] PeakOffsets(Tensor pattern, int head)
    {
        int t = pattern.Shape[2];
        var peaks = new int[t];
        for (int q = 0; q < t; q++)
        {
            int best = 0;
            for (int k = 1; k <= q; k++)
                if (pattern.Data[(head * t + q) * t + k] > pattern.Data[(head * t + q) * t + best]) best = k;
            peaks[q] = q - best;
        }
        return peaks;
    }
}
