using System.Numerics.Tensors;

namespace Verification.Tensors.Ops;

/// <summary>
/// Row-wise and element-wise operations of a transformer forward (LayerNorm, softmax, activations).
/// Reductions accumulate in double so results stay close to a float64 reference and do not depend on vector width.
/// </summary>
public static class RowOps
{
    /// <summary>
    /// TransformerLens LayerNorm on each row of x [rows, d]: centre, scale = sqrt(mean(x²) + eps),
    /// normalized = centred / scale · w + b (w, b null for LNPre). Writes scale [rows] and normalized [rows, d].
    /// </summary>
    public static void LayerNorm(ReadOnlySpan<float> x, int rows, int d, double eps,
                                 ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> scale, Span<float> normalized)
    {
        bool affine = !w.IsEmpty;
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * d, d);
            var outRow = normalized.Slice(r * d, d);
            double sum = 0;
            for (int i = 0; i < d; i++) sum += row[i];
            double mean = sum / d;
            double sq = 0;
            for (int i = 0; i < d; i++) { double c = row[i] - mean; sq += c * c; }
            double s = Math.Sqrt(sq / d + eps);
            scale[r] = (float)s;
            double inv = 1.0 / s;
            if (affine)
                for (int i = 0; i < d; i++) outRow[i] = (float)((row[i] - mean) * inv * w[i] + b[i]);
            else
                for (int i = 0; i < d; i++) outRow[i] = (float)((row[i] - mean) * inv);
        }
    }

    /// <summary>
    /// Softmax over the first <paramref name="valid"/> entries of a row; the rest (masked) become 0.
    /// exp is TensorPrimitives' vectorised float one (about 1 ulp) on x − max ≤ 0; the sum is accumulated in double.
    /// </summary>
    public static void SoftmaxPrefix(Span<float> row, int valid)
    {
        if (valid <= 0) { row.Clear(); return; }
        var live = row[..valid];
        float max = TensorPrimitives.Max(live);
        if (float.IsNegativeInfinity(max)) { row.Clear(); return; }
        TensorPrimitives.Subtract(live, max, live);
        Exp(live);
        double sum = 0;
        foreach (float e in live) sum += e;
        TensorPrimitives.Multiply(live, (float)(1.0 / sum), live);
        row[valid..].Clear();
    }

    /// <summary>
    /// exp in place, every element through the same vector code whatever its position or the span's length (TensorPrimitives
    /// takes a scalar path for short spans, whose last bit can differ): so a row's weights do not depend on how long a
    /// prefix of it is taken, and a read-only hook on the scores changes no bit.
    /// </summary>
    private static void Exp(Span<float> x)
    {
        const int block = 16; // a whole Vector512, or two Vector256
        int body = x.Length / block * block;
        if (body > 0) TensorPrimitives.Exp(x[..body], x[..body]);
        int tail = x.Length - body;
        if (tail == 0) return;
        Span<float> t = stackalloc float[block];
        t.Clear();
        x[body..].CopyTo(t);
        TensorPrimitives.Exp(t, t);
        t[..tail].CopyTo(x[body..]);
    }

    /// <summary>log-softmax of a row into dst (double accumulation).</summary>
    public static void LogSoftmax(ReadOnlySpan<float> row, Span<float> dst)
    {
        float max = TensorPrimitives.Max(row);
        double sum = 0;
        for (int i = 0; i < row.Length; i++) sum += Math.Exp(row[i] - (double)max);
        double lse = max + Math.Log(sum);
        for (int i = 0; i < row.Length; i++) dst[i] = (float)(row[i] - lse);
    }

    /// <summary>
    /// GPT-2's gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), in float with TensorPrimitives' vectorised tanh,
    /// a chunk at a time so the temporaries stay in L1 (the double scalar version cost more than the MLP's products).
    /// </summary>
    public static void GeluNew(ReadOnlySpan<float> x, Span<float> y)
    {
        const float c = 0.7978845608028654f; // sqrt(2/pi)
        const int chunk = 1024;
        Span<float> t = stackalloc float[chunk];
        for (int off = 0; off < x.Length; off += chunk)
        {
            int n = Math.Min(chunk, x.Length - off);
            var xs = x.Slice(off, n);
            var ts = t[..n];
            var ys = y.Slice(off, n);
            TensorPrimitives.Multiply(xs, xs, ts);          // x²
            TensorPrimitives.Multiply(ts, 0.044715f, ts);   // 0.044715·x²
            TensorPrimitives.MultiplyAdd(ts, xs, xs, ts);   // x + 0.044715·x³
            TensorPrimitives.Multiply(ts, c, ts);
            TensorPrimitives.Tanh(ts, ts);
            TensorPrimitives.AddMultiply(ts, 1f, xs, ys);          // (1 + tanh)·x
            TensorPrimitives.Multiply(ys, 0.5f, ys);
        }
    }

    /// <summary>Exact gelu: 0.5·x·(1 + erf(x/√2)).</summary>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = (float)(0.5 * x[i] * (1.0 + Erf(x[i] / Math.Sqrt(2.0))));
    }

    /// <summary>gelu_fast: 0.5·x·(1 + tanh(x·0.7978845608·(1 + 0.044715·x²))).</summary>
    public static void GeluFast(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(0.5 * v * (1.0 + Math.Tanh(v * 0.7978845608 * (1.0 + 0.044715 * v * v))));
        }
    }

    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <summary>Adds a bias vector to every row of x [rows, bias.Length].</summary>
    public static void AddRowBias(Span<float> x, ReadOnlySpan<float> bias)
    {
        int d = bias.Length;
        for (int off = 0; off < x.Length; off += d)
            TensorPrimitives.Add(x.Slice(off, d), bias, x.Slice(off, d));
    }

    // Abramowitz-Stegun 7.1.26 is too coarse for parity; use a high-precision series / continued fraction.
    private static double Erf(double x)
    {
        double ax = Math.Abs(x);
        double r;
        if (ax < 2.5)
        {
            // Maclaurin series: converges quickly for |x| < 2.5.
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 60; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
            }
            r = 2.0 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // Continued fraction for erfc.
            double t = 0;
            for (int n = 60; n >= 1; n--) t = n / 2.0 / (ax + t);
            r = 1.0 - Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + t);
        }
        return x < 0 ? -r : r;
    }
}
