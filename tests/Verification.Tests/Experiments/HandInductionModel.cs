using Verification.Lens;
using Verification.Lens.Weights;
using Verification.Loading.Config;
using Verification.Tensors;

namespace Verification.Tests.Experiments;

/// <summary>
/// A two-layer attention-only model wired by hand into an induction circuit, so tests know its answers without running it.
/// No LayerNorm. Residual slots: tok(i) = i (token one-hot), prev(i) = V + i (previous token), out(i) = 2V + i (copied token),
/// pos(p) = 3V + p (position one-hot). L0H0 attends to the previous position and writes its token into prev; L1H0 matches the
/// current token against prev slots and copies the matched position's token into out; W_U reads out with gain
/// <see cref="LogitGain"/>. L0H1 attends uniformly and writes positions into the pos slots (positional information moved by an
/// OV circuit, read by nothing later); L1H1 is zero.
/// </summary>
public static class HandInductionModel
{
    public const int Vocab = 32, Bos = 31, Context = 64, HeadDim = 64, Heads = 2;
    public const int DModel = 3 * Vocab + Context;
    public const float Sharpness = 200, LogitGain = 10;

    public static int Tok(int i) => i;
    public static int Prev(int i) => Vocab + i;
    public static int Out(int i) => 2 * Vocab + i;
    public static int Pos(int p) => 3 * Vocab + p;

    public static HookedTransformer Build()
    {
        var config = new ModelConfig
        {
            NLayers = 2, DModel = DModel, NHeads = Heads, DHead = HeadDim, NCtx = Context, DVocab = Vocab,
            AttnOnly = true, NormalizationType = null, BosTokenId = Bos, DefaultPrependBos = true,
        };
        var wE = Tensor.Zeros(Vocab, DModel);
        for (int i = 0; i < Vocab; i++) wE[i, Tok(i)] = 1;
        var wPos = Tensor.Zeros(Context, DModel);
        for (int p = 0; p < Context; p++) wPos[p, Pos(p)] = 1;

        var b0 = EmptyBlock();
        for (int p = 0; p < Context; p++)
        {
            b0.W_Q[0, Pos(p), p] = Sharpness;                         // query at p is index p ...
            if (p + 1 < HeadDim) b0.W_K[0, Pos(p), p + 1] = 1;        // ... matching the key at p − 1
            b0.W_V[1, Pos(p), p] = 1;                                  // L0H1 moves positions
            b0.W_O[1, p, Pos(p)] = 1;
        }
        for (int i = 0; i < Vocab; i++)
        {
            b0.W_V[0, Tok(i), i] = 1;                                  // L0H0: token → prev slot
            b0.W_O[0, i, Prev(i)] = 1;
        }
        var b1 = EmptyBlock();
        for (int i = 0; i < Vocab; i++)
        {
            b1.W_Q[0, Tok(i), i] = Sharpness;                          // L1H0: current token ...
            b1.W_K[0, Prev(i), i] = 1;                                 // ... against the key's previous token
            b1.W_V[0, Tok(i), i] = 1;                                  // copies the key's token
            b1.W_O[0, i, Out(i)] = 1;
        }
        var wU = Tensor.Zeros(DModel, Vocab);
        for (int i = 0; i < Vocab; i++) wU[Out(i), i] = LogitGain;
        var weights = new TransformerWeights
        {
            W_E = wE, W_pos = wPos, Blocks = new[] { b0, b1 }, W_U = wU, b_U = Tensor.Zeros(Vocab),
        };
        return new HookedTransformer(config, weights, name: "hand-induction");
    }

    private static BlockWeights EmptyBlock() => new()
    {
        W_Q = Tensor.Zeros(Heads, DModel, HeadDim), W_K = Tensor.Zeros(Heads, DModel, HeadDim),
        W_V = Tensor.Zeros(Heads, DModel, HeadDim), W_O = Tensor.Zeros(Heads, HeadDim, DModel),
        b_Q = Tensor.Zeros(Heads, HeadDim), b_K = Tensor.Zeros(Heads, HeadDim), b_V = Tensor.Zeros(Heads, HeadDim), b_O = Tensor.Zeros(DModel),
    };
}
