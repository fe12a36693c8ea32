using Verification.Lens.Hooks;
using Verification.Tensors;

namespace Verification.Lens.T5;

/// <summary>
/// T5LayerNorm: x / sqrt(mean(x²) + eps) · w — root mean square, no mean subtraction, no bias. Hooks as TransformerLens's
/// RMSNorm: hook_scale [batch, pos, 1] = sqrt(mean(x²) + eps), hook_normalized = x / scale (before the weight).
/// </summary>
internal sealed class T5LayerNorm
{
    private readonly string _scaleName, _normalizedName;
    private readonly float[] _w;
    private readonly double _eps;

    public T5LayerNorm(string prefix, float[] w, double eps)
    {
        _scaleName = prefix + ".hook_scale";
        _normalizedName = prefix + ".hook_normalized";
        _w = w;
        _eps = eps;
    }

    public Tensor Forward(ForwardContext ctx, Tensor x) // [batch, pos, d_model]
    {
        int d = x.Shape[^1], rows = x.Length / d;
        var scale = new Tensor(new float[rows], x.Shape[0], x.Shape[1], 1);
        for (int r = 0; r < rows; r++)
        {
            double ss = 0;
            for (int i = 0; i < d; i++) { double v = x.Data[r * d + i]; ss += v * v; }
            scale.Data[r] = (float)Math.Sqrt(ss / d + _eps);
        }
        scale = ctx.Apply(_scaleName, scale);
        var normalized = new Tensor(new float[x.Length], x.Shape);
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < d; i++) normalized.Data[r * d + i] = x.Data[r * d + i] / scale.Data[r];
        normalized = ctx.Apply(_normalizedName, normalized);
        var y = new Tensor(new float[x.Length], x.Shape);
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < d; i++) y.Data[r * d + i] = normalized.Data[r * d + i] * _w[i];
        return y;
    }
}
