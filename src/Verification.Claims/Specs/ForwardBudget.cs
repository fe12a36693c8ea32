using Verification.Lens;

namespace Verification.Claims.Specs;

/// <summary>
/// CI sizes for the forward-heavy strength claims (S1–S3), scaled so each claim costs about the same on every model: a size
/// is stated for attn-only-2l-mini (2 layers, d_model 256, vocab 4096) and multiplied by that model's cost per sequence over
/// this model's, then rounded down to a multiple of 8 and clamped. Cost per sequence of T tokens ≈ T·L·(4d² + 2d·d_mlp) + d·V
/// multiply-adds (projections, MLP, last-position unembedding). Deterministic in the config, so golden numbers stay fixed.
/// </summary>
internal static class ForwardBudget
{
    private const int ReferenceTokens = 24;
    private static readonly double ReferenceCost = Cost(ReferenceTokens, layers: 2, d: 256, dMlp: 0, vocab: 4096);

    public static double Scale(HookedTransformer model, int tokens = ReferenceTokens)
    {
        var c = model.Config;
        return ReferenceCost / Cost(tokens, c.NLayers, c.DModel, c.AttnOnly ? 0 : c.DMlp, c.DVocab);
    }

    public static int Size(HookedTransformer model, int reference, int min, int max) =>
        Math.Clamp((int)(reference * Scale(model)) / 8 * 8, min, max);

    public static string Describe(int reference, int chosen) =>
        $"CI size {chosen} (the size for attn-only-2l-mini, {reference}, scaled by this model's forward cost and clamped)";

    private static double Cost(int tokens, int layers, int d, int dMlp, int vocab) => (double)tokens * layers * (4.0 * d * d + 2.0 * d * dMlp) + (double)d * vocab;
}
