using Verification.Lens.Components;
using Verification.Lens.Hooks;
using Verification.Tensors;

namespace Verification.Lens.T5;

/// <summary>
/// T5 attention (self or cross) with HookedEncoderDecoder's hooks under {prefix} ("encoder.0.attn", "decoder.1.cross_attn"):
/// hook_q/k/v/z [batch, pos, head, d_kv], hook_attn_scores/pattern [batch, head, q, k], hook_result [batch, q, head, d_model].
/// Scores are q·kᵀ with no 1/sqrt(d) scale, plus the position bias (self-attention) and the mask; masked scores are
/// float.MinValue as HF's finfo.min mask leaves them.
/// </summary>
internal sealed class T5Attention
{
    private readonly string _prefix, _outName;
    private readonly T5AttentionWeights _w;
    private readonly int _heads, _dKv, _dModel;

    public T5Attention(string prefix, string outName, T5AttentionWeights w, int heads, int dKv, int dModel)
    {
        _prefix = prefix; _outName = outName; _w = w; _heads = heads; _dKv = dKv; _dModel = dModel;
    }

    /// <param name="x">queries' input [batch, q, d_model]</param>
    /// <param name="kv">keys' and values' input [batch, k, d_model] (x itself for self-attention)</param>
    /// <param name="bias">[head, q, k] position bias or null</param>
    /// <param name="allowed">(b, i, j) → whether query i may attend to key j</param>
    public Tensor Forward(ForwardContext ctx, Tensor x, Tensor kv, float[]? bias, Func<int, int, int, bool> allowed)
    {
        int batch = x.Shape[0], qn = x.Shape[1], kn = kv.Shape[1], hd = _heads * _dKv;
        var q = ctx.Apply(_prefix + ".hook_q", new Tensor(Linear.Apply(x.Data, batch * qn, _dModel, _w.Wq, hd, null), batch, qn, _heads, _dKv));
        var k = ctx.Apply(_prefix + ".hook_k", new Tensor(Linear.Apply(kv.Data, batch * kn, _dModel, _w.Wk, hd, null), batch, kn, _heads, _dKv));
        var v = ctx.Apply(_prefix + ".hook_v", new Tensor(Linear.Apply(kv.Data, batch * kn, _dModel, _w.Wv, hd, null), batch, kn, _heads, _dKv));

        var scores = new Tensor(new float[batch * _heads * qn * kn], batch, _heads, qn, kn);
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < _heads; h++)
                for (int i = 0; i < qn; i++)
                {
                    int qo = ((b * qn + i) * _heads + h) * _dKv, so = ((b * _heads + h) * qn + i) * kn;
                    for (int j = 0; j < kn; j++)
                    {
                        if (!allowed(b, i, j)) { scores.Data[so + j] = float.MinValue; continue; }
                        int ko = ((b * kn + j) * _heads + h) * _dKv;
                        float s = 0;
                        for (int e = 0; e < _dKv; e++) s += q.Data[qo + e] * k.Data[ko + e];
                        if (bias != null) s += bias[(h * qn + i) * kn + j];
                        scores.Data[so + j] = s;
                    }
                }
        scores = ctx.Apply(_prefix + ".hook_attn_scores", scores);

        var pattern = new Tensor(new float[scores.Length], scores.Shape);
        for (int row = 0; row < batch * _heads * qn; row++)
        {
            var src = scores.Data.AsSpan(row * kn, kn);
            var dst = pattern.Data.AsSpan(row * kn, kn);
            float max = float.NegativeInfinity;
            foreach (var s in src) max = Math.Max(max, s);
            double sum = 0;
            for (int j = 0; j < kn; j++) sum += Math.Exp((double)src[j] - max);
            for (int j = 0; j < kn; j++) dst[j] = (float)(Math.Exp((double)src[j] - max) / sum);
        }
        pattern = ctx.Apply(_prefix + ".hook_pattern", pattern);

        var z = new Tensor(new float[batch * qn * hd], batch, qn, _heads, _dKv);
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < _heads; h++)
                for (int i = 0; i < qn; i++)
                {
                    int po = ((b * _heads + h) * qn + i) * kn, zo = ((b * qn + i) * _heads + h) * _dKv;
                    for (int j = 0; j < kn; j++)
                    {
                        float p = pattern.Data[po + j];
                        if (p == 0) continue;
                        int vo = ((b * kn + j) * _heads + h) * _dKv;
                        for (int e = 0; e < _dKv; e++) z.Data[zo + e] += p * v.Data[vo + e];
                    }
                }
        z = ctx.Apply(_prefix + ".hook_z", z);

        int rows = batch * qn;
        float[] outData;
        string resultName = _prefix + ".hook_result";
        if (ctx.Wants(resultName))
        {
            var result = new Tensor(new float[rows * _heads * _dModel], batch, qn, _heads, _dModel);
            for (int r = 0; r < rows; r++)
                for (int h = 0; h < _heads; h++)
                {
                    int zo = (r * _heads + h) * _dKv, ro = (r * _heads + h) * _dModel;
                    for (int e = 0; e < _dKv; e++)
                    {
                        float ze = z.Data[zo + e];
                        int wo = (h * _dKv + e) * _dModel;
                        for (int m = 0; m < _dModel; m++) result.Data[ro + m] += ze * _w.Wo[wo + m];
                    }
                }
            result = ctx.Apply(resultName, result);
            outData = new float[rows * _dModel];
            for (int r = 0; r < rows; r++)
                for (int h = 0; h < _heads; h++)
                    for (int m = 0; m < _dModel; m++) outData[r * _dModel + m] += result.Data[(r * _heads + h) * _dModel + m];
        }
        else
        {
            outData = Linear.Apply(z.Data, rows, hd, _w.Wo, _dModel, null);
        }
        return ctx.Apply(_outName, new Tensor(outData, batch, qn, _dModel));
    }
}
