using Verification.Lens.Weights;
using Verification.Tensors.Backends;

namespace Verification.Experiments;

/// <summary>
/// Token-to-token circuits of one or two heads, as the factors [V, r] of a V × V matrix (rows · columnsᵀ), for
/// <see cref="DiagonalRanks"/>. Positional embeddings, biases and LayerNorm scales are left out (stated approximations).
/// </summary>
public static class FullCircuits
{
    /// <summary>
    /// Full OV circuit W_E·W_V·W_O·W_U of a head: entry [s, t] is the logit of t the head adds when it attends to token s.
    /// Rows = W_E·W_V [V, d_head], columns = (W_O·W_U)ᵀ [V, d_head]. LN scales only rescale a row, so row ranks ignore them.
    /// </summary>
    public static (float[] Rows, float[] Columns, int Rank) OV(TransformerWeights w, HeadRef head)
    {
        var b = w.Blocks[head.Layer];
        int v = w.W_E.Shape[0], d = w.W_E.Shape[1], dh = b.W_V.Shape[2];
        var rows = Multiply(w.W_E.Data, v, d, HeadCircuits.Slice(b.W_V, head.Head), dh);
        var columns = new float[v * dh];
        // (W_O W_U)ᵀ = W_Uᵀ W_Oᵀ: W_U stored [d, V], W_O[h] stored [d_head, d].
        Compute.Backend.Gemm(true, true, v, dh, d, w.W_U.Data, v, HeadCircuits.Slice(b.W_O, head.Head), d, columns, dh);
        return (rows, columns, dh);
    }

    /// <summary>
    /// The induction head's QK circuit read through the previous-token head: entry [t, s] is the attention score a query on
    /// token t gives a key whose previous token was s, (Ê W_Q^ind)·(Ê W_V^prev W_O^prev W_K^ind)ᵀ. Ê is W_E with each row
    /// centred and scaled to unit RMS (what LayerNorm makes of a token embedding without its position); the later LayerNorm
    /// scale of the key is taken as one constant, and positions, biases and the key token's own embedding are left out.
    /// </summary>
    public static (float[] Rows, float[] Columns, int Rank) QKThroughPreviousToken(TransformerWeights w, HeadRef previous, HeadRef induction)
    {
        if (previous.Layer >= induction.Layer) throw new ArgumentException($"previous-token head {previous} is not before {induction}");
        var e = NormalizedEmbedding(w.W_E.Data, w.W_E.Shape[0], w.W_E.Shape[1]);
        int v = w.W_E.Shape[0], d = w.W_E.Shape[1];
        var pb = w.Blocks[previous.Layer];
        var ib = w.Blocks[induction.Layer];
        int dhPrev = pb.W_V.Shape[2], dh = ib.W_Q.Shape[2];
        var queries = Multiply(e, v, d, HeadCircuits.Slice(ib.W_Q, induction.Head), dh);
        var moved = Multiply(e, v, d, HeadCircuits.Slice(pb.W_V, previous.Head), dhPrev);                           // [V, dh_prev]
        var ok = Multiply(HeadCircuits.Slice(pb.W_O, previous.Head), dhPrev, d, HeadCircuits.Slice(ib.W_K, induction.Head), dh); // [dh_prev, dh]
        var keys = Multiply(moved, v, dhPrev, ok, dh);
        return (queries, keys, dh);
    }

    /// <summary>
    /// The r × r matrix Colsᵀ·Rows whose eigenvalues are the nonzero eigenvalues of the V × V circuit Rows·Colsᵀ (AB and BA share
    /// them), so eigenvalue statistics of a vocabulary-sized circuit cost d_head-sized work.
    /// </summary>
    public static double[] EigenCore(float[] rows, float[] columns, int vocab, int rank)
    {
        if (rows.Length != vocab * rank || columns.Length != vocab * rank) throw new ArgumentException($"factors must be [{vocab}, {rank}]");
        var core = new float[rank * rank];
        Compute.Backend.Gemm(true, false, rank, rank, vocab, columns, rank, rows, rank, core, rank);
        return core.Select(x => (double)x).ToArray();
    }

    /// <summary>Each row centred and divided by its RMS (LayerNorm without weights; a zero row stays zero).</summary>
    public static float[] NormalizedEmbedding(float[] e, int rows, int d)
    {
        var r = new float[e.Length];
        for (int i = 0; i < rows; i++)
        {
            double mean = 0;
            for (int m = 0; m < d; m++) mean += e[i * d + m];
            mean /= d;
            double ss = 0;
            for (int m = 0; m < d; m++) ss += (e[i * d + m] - mean) * (e[i * d + m] - mean);
            double inv = ss > 0 ? 1 / Math.Sqrt(ss / d) : 0;
            for (int m = 0; m < d; m++) r[i * d + m] = (float)((e[i * d + m] - mean) * inv);
        }
        return r;
    }

    private static float[] Multiply(float[] a, int m, int k, float[] b, int n)
    {
        var c = new float[m * n];
        Compute.Backend.Gemm(false, false, m, n, k, a, k, b, n, c, n);
        return c;
    }
}
