using Verification.Tensors.Backends;
using Verification.Tensors.Ops;

namespace Verification.Lens.Components;

/// <summary>
/// The per-head products of causal attention for one layer's q, k, v ([batch, pos, head, d_head]), head (b, h) at a
/// time: scores = q·kᵀ/√d_head masked, pattern = softmax(scores), z = pattern·v.
/// Queries go in blocks of <see cref="RowBlock"/> rows and a block only multiplies the keys it can see (0..end of block),
/// which skips most of the masked half; the skipped terms are exact zeros in z, so only the work changes, not the sums.
/// Each head is computed whole by one caller with the same block boundaries, so results do not depend on threads.
/// </summary>
internal sealed class HeadProducts
{
    /// <summary>Query rows per block: a multiple of the micro-kernel's 6 rows and of its 16 columns.</summary>
    public const int RowBlock = 48;

    private readonly float[] _q, _k, _v, _z;
    private readonly int _pos, _heads, _dHead, _stride;
    private readonly float _invScale;

    [ThreadStatic] private static float[]? t_scratch;

    public HeadProducts(float[] q, float[] k, float[] v, float[] z, int pos, int heads, int dHead, float invScale)
    {
        (_q, _k, _v, _z, _pos, _heads, _dHead, _invScale) = (q, k, v, z, pos, heads, dHead, invScale);
        _stride = heads * dHead;
    }

    public int PatternLength => _pos * _pos;

    /// <summary>Offset of head (b, h)'s first row in q, k, v and z: rows are strided by head·d_head.</summary>
    private int Offset(int bh) => bh / _heads * _pos * _stride + bh % _heads * _dHead;

    /// <summary>Scores of head bh into s [pos, pos], scaled; masked keys are −∞ when <paramref name="fillMasked"/>, else left unspecified.</summary>
    public void Scores(IComputeBackend gemm, int bh, Span<float> s, bool fillMasked)
    {
        int off = Offset(bh);
        for (int i0 = 0; i0 < _pos; i0 += RowBlock)
        {
            int i1 = Math.Min(_pos, i0 + RowBlock);
            gemm.Gemm(false, true, i1 - i0, i1, _dHead, _q.AsSpan(off + i0 * _stride), _stride, _k.AsSpan(off), _stride,
                      s.Slice(i0 * _pos), _pos);
            for (int i = i0; i < i1; i++)
            {
                var row = s.Slice(i * _pos, _pos);
                for (int j = 0; j <= i; j++) row[j] *= _invScale;
                if (fillMasked) row[(i + 1)..].Fill(float.NegativeInfinity);
            }
        }
    }

    /// <summary>Causal softmax of scores from <see cref="Scores"/> in place: row i over keys 0..i, the rest of its block zeroed.</summary>
    public void CausalSoftmax(Span<float> s)
    {
        for (int i = 0; i < _pos; i++)
            RowOps.SoftmaxPrefix(s.Slice(i * _pos, BlockEnd(i)), i + 1);
    }

    /// <summary>z of head bh = pattern·v; <paramref name="causal"/>: the pattern is zero beyond each row's block end.</summary>
    public void Z(IComputeBackend gemm, int bh, ReadOnlySpan<float> pattern, bool causal)
    {
        int off = Offset(bh);
        for (int i0 = 0; i0 < _pos; i0 += RowBlock)
        {
            int i1 = Math.Min(_pos, i0 + RowBlock);
            gemm.Gemm(false, false, i1 - i0, _dHead, causal ? i1 : _pos, pattern.Slice(i0 * _pos), _pos, _v.AsSpan(off), _stride,
                      _z.AsSpan(off + i0 * _stride), _stride);
        }
    }

    /// <summary>
    /// Scores, softmax and z of head bh in one pass while its block is in cache. The scores go to <paramref name="scores"/>
    /// (masked keys −∞) and the pattern to <paramref name="pattern"/> (zero-initialised) when given; else a per-thread
    /// scratch block holds them. Only for when no hook can change scores or pattern between the steps.
    /// </summary>
    public void Fused(IComputeBackend gemm, int bh, Span<float> scores = default, Span<float> pattern = default)
    {
        var p = pattern;
        if (p.IsEmpty)
        {
            var scratch = t_scratch is { } t && t.Length >= PatternLength ? t : t_scratch = new float[PatternLength];
            p = scratch.AsSpan(0, PatternLength);
        }
        if (scores.IsEmpty)
        {
            Scores(gemm, bh, p, fillMasked: false);
        }
        else
        {
            Scores(gemm, bh, scores, fillMasked: true);
            for (int i = 0; i < _pos; i++)
                scores.Slice(i * _pos, BlockEnd(i)).CopyTo(p.Slice(i * _pos));
        }
        CausalSoftmax(p);
        Z(gemm, bh, p, causal: true);
    }

    private int BlockEnd(int row) => Math.Min(_pos, (row / RowBlock + 1) * RowBlock);

    /// <summary>Runs body(backend, bh) for every head of every sequence: in parallel where the backend allows it.</summary>
    public static void ForEach(int count, Action<IComputeBackend, int> body)
    {
        var gemm = Compute.Backend;
        if (gemm.MaxThreads > 1 && count > 1 && gemm.SingleThreaded is { } serial)
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = gemm.MaxThreads }, bh => body(serial, bh));
        else
            for (int bh = 0; bh < count; bh++) body(gemm, bh);
    }
}
