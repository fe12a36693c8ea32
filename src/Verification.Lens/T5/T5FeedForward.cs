using Verification.Lens.Components;
using Verification.Lens.Hooks;
using Verification.Tensors;
using Verification.Tensors.Ops;

namespace Verification.Lens.T5;

/// <summary>
/// DenseReluDense (act(x·wi)·wo) or DenseGatedActDense (act(x·wi_0) ⊙ (x·wi_1))·wo, with TransformerLens's hooks:
/// mlp.hook_pre (the activation's input), mlp.hook_pre_linear (gated: x·wi_1), mlp.hook_post, then hook_mlp_out.
/// </summary>
internal sealed class T5FeedForward
{
    private readonly string _prefix, _outName, _act;
    private readonly T5FeedForwardWeights _w;
    private readonly int _dModel, _dFf;

    public T5FeedForward(string prefix, string outName, T5FeedForwardWeights w, int dModel, int dFf, string act)
    {
        _prefix = prefix; _outName = outName; _w = w; _dModel = dModel; _dFf = dFf; _act = act;
    }

    public Tensor Forward(ForwardContext ctx, Tensor x)
    {
        int batch = x.Shape[0], pos = x.Shape[1], rows = batch * pos;
        var pre = ctx.Apply(_prefix + ".hook_pre", new Tensor(Linear.Apply(x.Data, rows, _dModel, _w.Wi0, _dFf, null), batch, pos, _dFf));
        var post = new Tensor(new float[pre.Length], pre.Shape);
        switch (_act)
        {
            case "relu": RowOps.Relu(pre.Data, post.Data); break;
            case "gelu_new": RowOps.GeluNew(pre.Data, post.Data); break;
            case "gelu": RowOps.Gelu(pre.Data, post.Data); break;
            default: throw new NotSupportedException($"activation '{_act}'");
        }
        if (_w.Wi1 != null)
        {
            var linear = ctx.Apply(_prefix + ".hook_pre_linear", new Tensor(Linear.Apply(x.Data, rows, _dModel, _w.Wi1, _dFf, null), batch, pos, _dFf));
            for (int i = 0; i < post.Length; i++) post.Data[i] *= linear.Data[i];
        }
        post = ctx.Apply(_prefix + ".hook_post", post);
        return ctx.Apply(_outName, new Tensor(Linear.Apply(post.Data, rows, _dFf, _w.Wo, _dModel, null), batch, pos, _dModel));
    }
}
