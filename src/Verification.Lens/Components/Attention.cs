using Verification.Lens.Hooks;
using Verification.Lens.Weights;
using Verification.Tensors;
using Verification.Tensors.Backends;
using Verification.Tensors.Ops;

namespace Verification.Lens.Components;

/// <summary>
/// Causal multi-head attention as TransformerLens computes it, with its hooks:
/// hook_q/k/v [batch, pos, head, d_head], hook_attn_scores and hook_pattern [batch, head, q, k],
/// hook_z [batch, pos, head, d_head], hook_result [batch, pos, head, d_model] (only when read), then hook_attn_out.
/// </summary>
internal sealed class Attention
{
    private readonly int _layer, _heads, _dModel, _dHead;
    private readonly float[] _wq, _wk, _wv; // packed [d_model, head·d_head]
    private readonly float[] _bq, _bk, _bv; // [head·d_head]
    private readonly float[] _wo;           // [head·d_head, d_model] (same memory layout as [head, d_head, d_model])
    private readonly float[] _bo;
    private readonly float _invScale;

    public Attention(int layer, BlockWeights w, int heads, int dModel, int dHead)
    {
        _layer = layer; _heads = heads; _dModel = dModel; _dHead = dHead;
        _wq = PackHeads(w.W_Q, heads, dModel, dHead);
        _wk = PackHeads(w.W_K, heads, dModel, dHead);
        _wv = PackHeads(w.W_V, heads, dModel, dHead);
        _bq = w.b_Q.Data; _bk = w.b_K.Data; _bv = w.b_V.Data;
        _wo = w.W_O.Data; _bo = w.b_O.Data;
        _invScale = (float)(1.0 / Math.Sqrt(dHead));
    }

    // [head, d_model, d_head] → [d_model, head·d_head], so one product gives every head's q in TransformerLens's [pos, head, d_head] layout.
    private static float[] PackHeads(Tensor w, int heads, int dModel, int dHead)
    {
        var packed = new float[dModel * heads * dHead];
        for (int h = 0; h < heads; h++)
            for (int m = 0; m < dModel; m++)
                Array.Copy(w.Data, (h * dModel + m) * dHead, packed, m * heads * dHead + h * dHead, dHead);
        return packed;
    }

    public Tensor Forward(ForwardContext ctx, Tensor x) // x: [batch, pos, d_model] → [batch, pos, d_model]
    {
        int batch = x.Shape[0], pos = x.Shape[1], rows = batch * pos, hd = _heads * _dHead;
        var q = ctx.Apply(HookNames.Q(_layer), new Tensor(Linear.Apply(x.Data, rows, _dModel, _wq, hd, _bq), batch, pos, _heads, _dHead));
        var k = ctx.Apply(HookNames.K(_layer), new Tensor(Linear.Apply(x.Data, rows, _dModel, _wk, hd, _bk), batch, pos, _heads, _dHead));
        var v = ctx.Apply(HookNames.V(_layer), new Tensor(Linear.Apply(x.Data, rows, _dModel, _wv, hd, _bv), batch, pos, _heads, _dHead));

        // Every head's rows of z are written by its pattern·v products, so z needs no zeroing.
        var z = new Tensor(GC.AllocateUninitializedArray<float>(rows * hd), batch, pos, _heads, _dHead);
        var products = new HeadProducts(q.Data, k.Data, v.Data, z.Data, pos, _heads, _dHead, _invScale);
        string scoresName = HookNames.AttnScores(_layer), patternName = HookNames.Pattern(_layer);
        if (ctx.HasHook(scoresName) || ctx.HasHook(patternName))
            HookedScoresAndPattern(ctx, products, batch, pos);
        else
            UnhookedScoresAndPattern(ctx, products, batch, pos);
        z = ctx.Apply(HookNames.Z(_layer), z);

        float[] outData;
        string resultName = HookNames.Result(_layer);
        if (ctx.Wants(resultName))
        {
            // Per-head outputs, then their sum: TransformerLens's use_attn_result path.
            var result = new Tensor(new float[rows * _heads * _dModel], batch, pos, _heads, _dModel);
            for (int h = 0; h < _heads; h++)
                Compute.Backend.Gemm(false, false, rows, _dModel, _dHead, z.Data.AsSpan(h * _dHead), hd,
                          _wo.AsSpan(h * _dHead * _dModel), _dModel, result.Data.AsSpan(h * _dModel), _heads * _dModel);
            result = ctx.Apply(resultName, result);
            outData = new float[rows * _dModel];
            for (int r = 0; r < rows; r++)
            {
                var dst = outData.AsSpan(r * _dModel, _dModel);
                for (int h = 0; h < _heads; h++)
                    System.Numerics.Tensors.TensorPrimitives.Add(dst, result.Data.AsSpan((r * _heads + h) * _dModel, _dModel), dst);
            }
            RowOps.AddRowBias(outData, _bo);
        }
        else
        {
            outData = Linear.Apply(z.Data, rows, hd, _wo, _dModel, _bo);
        }
        return ctx.Apply(HookNames.AttnOut(_layer), new Tensor(outData, batch, pos, _dModel));
    }

    /// <summary>
    /// No hook can change scores or pattern, so each head goes through scores, softmax and z in one pass; the
    /// [batch, head, q, k] tensors exist only when the cache asks for them, else a scratch block per thread serves.
    /// </summary>
    private void UnhookedScoresAndPattern(ForwardContext ctx, HeadProducts products, int batch, int pos)
    {
        string scoresName = HookNames.AttnScores(_layer), patternName = HookNames.Pattern(_layer);
        int count = batch * _heads, n = products.PatternLength;
        // Scores are written whole (masked keys −∞); the pattern relies on zeros beyond each query block.
        var scores = ctx.Wants(scoresName) ? new Tensor(GC.AllocateUninitializedArray<float>(count * n), batch, _heads, pos, pos) : null;
        var pattern = ctx.Wants(patternName) ? new Tensor(new float[count * n], batch, _heads, pos, pos) : null;
        HeadProducts.ForEach(count, (gemm, bh) =>
            products.Fused(gemm, bh, scores is null ? default : scores.Data.AsSpan(bh * n, n), pattern is null ? default : pattern.Data.AsSpan(bh * n, n)));
        if (scores != null) ctx.Apply(scoresName, scores);
        if (pattern != null) ctx.Apply(patternName, pattern);
    }

    /// <summary>A hook reads or replaces scores or pattern: each step runs over all heads, then its hook, then the next.</summary>
    private void HookedScoresAndPattern(ForwardContext ctx, HeadProducts products, int batch, int pos)
    {
        string scoresName = HookNames.AttnScores(_layer), patternName = HookNames.Pattern(_layer);
        int count = batch * _heads, n = products.PatternLength;
        bool scoresHooked = ctx.HasHook(scoresName);
        Tensor pattern;
        if (ctx.Wants(scoresName))
        {
            var scores = new Tensor(new float[count * n], batch, _heads, pos, pos);
            HeadProducts.ForEach(count, (gemm, bh) => products.Scores(gemm, bh, scores.Data.AsSpan(bh * n, n), fillMasked: true));
            scores = ctx.Apply(scoresName, scores);
            pattern = new Tensor((float[])scores.Data.Clone(), batch, _heads, pos, pos);
            var p = pattern.Data;
            HeadProducts.ForEach(count, (_, bh) =>
            {
                // Unhooked, only keys 0..i are live; a hook on the scores may have unmasked others, so then take the whole row.
                for (int i = 0; i < pos; i++) RowOps.SoftmaxPrefix(p.AsSpan(bh * n + i * pos, pos), scoresHooked ? pos : i + 1);
            });
        }
        else
        {
            pattern = new Tensor(new float[count * n], batch, _heads, pos, pos);
            var p = pattern.Data;
            HeadProducts.ForEach(count, (gemm, bh) =>
            {
                products.Scores(gemm, bh, p.AsSpan(bh * n, n), fillMasked: false);
                products.CausalSoftmax(p.AsSpan(bh * n, n));
            });
        }
        bool patternHooked = ctx.HasHook(patternName);
        pattern = ctx.Apply(patternName, pattern);
        // A hook may have put weight on masked keys: then z multiplies every key.
        bool causal = !scoresHooked && !patternHooked;
        var final = pattern.Data;
        HeadProducts.ForEach(count, (gemm, bh) => products.Z(gemm, bh, final.AsSpan(bh * n, n), causal));
    }
}
