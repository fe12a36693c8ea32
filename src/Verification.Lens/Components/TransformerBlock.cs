
using Verification.Lens.Hooks;
using Verification.Lens.Weights;
using Verification.Loading.Config;
using Verification.Tensors;

namespace Verification.Lens.Components;

/// <summary>
/// One residual block: resid_pre → ln1 → attention → (+) resid_mid → ln2 → MLP → (+) resid_post.
/// Attention-only models add the attention output straight into resid_post, as TransformerLens does.
/// </summary>
internal sealed class TransformerBlock
{
    private readonly int _layer;
    private readonly LayerNorm? _ln1, _ln2;
    private readonly Attention _attn;
    private readonly Mlp? _mlp;

    public TransformerBlock(int layer, BlockWeights w, ModelConfig c)
    {
        _layer = layer;
        bool norm = c.NormalizationType != null;
        if (norm) _ln1 = new LayerNorm($"blocks.{layer}.ln1", w.Ln1W, w.Ln1B, c.Eps);
        _attn = new Attention(layer, w, c.NHeads, c.DModel, c.DHead);
        if (!c.AttnOnly)
        {
            if (norm) _ln2 = new LayerNorm($"blocks.{layer}.ln2", w.Ln2W, w.Ln2B, c.Eps);
            _mlp = new Mlp(layer, w, c.DModel, c.DMlp, c.ActFn!);
        }
    }

    public Tensor Forward(ForwardContext ctx, Tensor residPre) // [batch, pos, d_model]
    {
        residPre = ctx.Apply(HookNames.ResidPre(_layer), residPre);
        var attnOut = _attn.Forward(ctx, _ln1 != null ? _ln1.Forward(ctx, residPre) : residPre);
        if (_mlp == null)
            return ctx.Apply(HookNames.ResidPost(_layer), Add(residPre, attnOut));
        var residMid = ctx.Apply(HookNames.ResidMid(_layer), Add(residPre, attnOut));
        var mlpOut = _mlp.Forward(ctx, _ln2 != null ? _ln2.Forward(ctx, residMid) : residMid);
        return ctx.Apply(HookNames.ResidPost(_layer), Add(residMid, mlpOut));
    }

    internal static Tensor Add(Tensor a, Tensor b)
    {
        var sum = GC.AllocateUninitializedArray<float>(a.Length); // every element is written
        System.Numerics.Tensors.TensorPrimitives.Add(a.Data, b.Data, sum);
        return new Tensor(sum, a.Shape);
    }
}
