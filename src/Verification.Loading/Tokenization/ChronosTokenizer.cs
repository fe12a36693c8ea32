using Verification.Loading.Config;

namespace Verification.Loading.Tokenization;

/// <summary>What the Chronos tokenizer made of one series: encoder ids (EOS appended), its mask, and the scale.</summary>
public sealed record ChronosTokens(int[] Ids, bool[] Mask, float Scale);

/// <summary>
/// Chronos's MeanScaleUniformBins, step for step in float32 as chronos.py does it: the context keeps its last
/// context_length values; scale = mean |x| over the observed (non-NaN) values, 1 where that is not > 0; ids =
/// bucketize(x / scale, boundaries, right=True) + n_special_tokens clamped to [0, n_tokens − 1], where the boundaries are
/// −1e20, the midpoints of linspace(low_limit, high_limit, n_tokens − n_special_tokens − 1), 1e20; NaN → pad; EOS appended
/// (seq2seq with use_eos_token). Decoding maps id to centers[clamp(id − n_special − 1)] · scale.
/// </summary>
public sealed class ChronosTokenizer
{
    private readonly ChronosConfig _c;

    public float[] Centers { get; }
    public float[] Boundaries { get; }

    public ChronosTokenizer(ChronosConfig config)
    {
        _c = config;
        Centers = Linspace((float)config.LowLimit, (float)config.HighLimit, config.NTokens - config.NSpecialTokens - 1);
        Boundaries = new float[Centers.Length + 1];
        Boundaries[0] = -1e20f;
        for (int i = 1; i < Centers.Length; i++) Boundaries[i] = (Centers[i] + Centers[i - 1]) / 2f;
        Boundaries[^1] = 1e20f;
    }

    public ChronosConfig Config => _c;

    // torch.linspace as its CPU kernel (AVX2) computes float32 values, so boundaries, and ids of values on them, match
    // bit for bit: step in float32; blocks of 8 start at a fused start + step·idx (or end − step·(steps−idx−1) past the
    // middle) and count up by j·step; the tail past the last whole pair of blocks is done one value at a time.
    // Checked against torch 1.13 for several sizes by tools/fixtures/chronos_tokenizer_reference.py's samples.
    private static float[] Linspace(float start, float end, int steps)
    {
        var y = new float[steps];
        if (steps == 1) { y[0] = start; return y; }
        float step = (end - start) / (steps - 1);
        int half = steps / 2, vec = 8, whole = steps / (2 * vec) * (2 * vec), idx = 0;
        for (; idx < whole; idx += vec)
        {
            float b = idx < half ? MathF.FusedMultiplyAdd(step, idx, start) : MathF.FusedMultiplyAdd(-step, steps - idx - 1, end);
            for (int j = 0; j < vec; j++) y[idx + j] = b + j * step;
        }
        for (; idx < steps; idx++) y[idx] = idx < half ? start + step * idx : end - step * (steps - idx - 1);
        return y;
    }

    public ChronosTokens Encode(IReadOnlyList<double> series)
    {
        if (series.Count == 0) throw new ArgumentException("empty series");
        var context = series.Skip(Math.Max(0, series.Count - _c.ContextLength)).Select(v => (float)v).ToArray();
        var mask = context.Select(v => !float.IsNaN(v)).ToArray();
        float scale = MeanAbsScale(context, mask);
        bool eos = _c.UseEosToken && _c.ModelType == "seq2seq";
        var ids = new int[context.Length + (eos ? 1 : 0)];
        var outMask = new bool[ids.Length];
        for (int i = 0; i < context.Length; i++)
        {
            outMask[i] = mask[i];
            ids[i] = mask[i] ? Bucket(context[i] / scale) : _c.PadTokenId;
        }
        if (eos) { ids[^1] = _c.EosTokenId; outMask[^1] = true; }
        return new ChronosTokens(ids, outMask, scale);
    }

    /// <summary>Scaled value → id: the number of boundaries ≤ x (bucketize right=True), plus n_special_tokens, clamped.</summary>
    public int Bucket(float x)
    {
        int lo = 0, hi = Boundaries.Length; // first index with boundary > x
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (Boundaries[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return Math.Clamp(lo + _c.NSpecialTokens, 0, _c.NTokens - 1);
    }

    /// <summary>Token ids back to values: centers[clamp(id − n_special − 1, 0, len − 1)] · scale.</summary>
    public float[] Decode(IReadOnlyList<int> ids, float scale) =>
        ids.Select(id => Centers[Math.Clamp(id - _c.NSpecialTokens - 1, 0, Centers.Length - 1)] * scale).ToArray();

    private static float MeanAbsScale(float[] x, bool[] mask)
    {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < x.Length; i++) if (mask[i]) { sum += Math.Abs(x[i]); n++; }
        float scale = (float)sum / n; // n == 0: NaN, which is not > 0, so 1
        return scale > 0 ? scale : 1f;
    }
}
