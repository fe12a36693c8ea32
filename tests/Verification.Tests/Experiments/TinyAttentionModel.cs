using Verification.Lens;
using Verification.Lens.Weights;
using Verification.Loading.Config;
using Verification.Tensors;

namespace Verification.Tests.Experiments;

/// <summary>
/// A one-layer, two-head attention-only model with hand-set weights, small enough to compute its outputs by hand: vocabulary
/// 4 (BOS = 3), d_model 4, one-hot token embeddings, no LayerNorm, d_head 1. By default W_Q = W_K = 0 (every head attends
/// uniformly over its causal keys), head 0 reads residual dim 0 and writes 1× to dim 0, head 1 reads dim 1 and writes 2× to
/// dim 1, and the unembedding is the identity (logit of token i = residual dim i).
/// </summary>
public static class TinyAttentionModel
{
    public const int Bos = 3;

    public static HookedTransformer Build(Action<TransformerWeights>? edit = null)
    {
        const int d = 4, heads = 2, vocab = 4, ctx = 8;
        var config = new ModelConfig
        {
            NLayers = 1, DModel = d, NHeads = heads, DHead = 1, NCtx = ctx, DVocab = vocab, AttnOnly = true,
            NormalizationType = null, BosTokenId = Bos,
        };
        var wv = new float[heads * d];
        wv[0 * d + 0] = 1; // head 0 reads dim 0
        wv[1 * d + 1] = 1; // head 1 reads dim 1
        var wo = new float[heads * d];
        wo[0 * d + 0] = 1; // head 0 writes dim 0
        wo[1 * d + 1] = 2; // head 1 writes twice into dim 1
        var block = new BlockWeights
        {
            W_Q = Zeros(heads, d, 1), W_K = Zeros(heads, d, 1), W_V = new Tensor(wv, heads, d, 1), W_O = new Tensor(wo, heads, 1, d),
            b_Q = Zeros(heads, 1), b_K = Zeros(heads, 1), b_V = Zeros(heads, 1), b_O = Zeros(d),
        };
        var weights = new TransformerWeights
        {
            W_E = Identity(d), W_pos = Zeros(ctx, d), Blocks = new[] { block }, W_U = Identity(d), b_U = Zeros(vocab),
        };
        edit?.Invoke(weights);
        return new HookedTransformer(config, weights, name: "tiny");
    }

    public static Tensor Zeros(params int[] shape) => new(new float[shape.Aggregate(1, (a, b) => a * b)], shape);

    private static Tensor Identity(int n)
    {
        var data = new float[n * n];
        for (int i = 0; i < n; i++) data[i * n + i] = 1;
        return new Tensor(data, n, n);
    }
}
