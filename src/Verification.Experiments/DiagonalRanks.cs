using Verification.Tensors.Backends;

namespace Verification.Experiments;

/// <summary>How often a token-by-token circuit's own-token entry leads its row, against chance.</summary>
public sealed record DiagonalAccuracy(int Rows, int Top1, int Top5, double MedianRank, int Columns)
{
    public double Top1Fraction => (double)Top1 / Rows;
    public double Top5Fraction => (double)Top5 / Rows;
    /// <summary>What a row whose own entry were a random one of its columns would give.</summary>
    public double ChanceTop1 => 1.0 / Columns;
    public double ChanceTop5 => Math.Min(1.0, 5.0 / Columns);
}

/// <summary>
/// For a vocabulary × vocabulary circuit M = L·Rᵀ (L, R [V, r], e.g. the full OV circuit W_E W_V W_O W_U), the rank of each
/// chosen row's own entry M[i, i] among all V entries of row i: the number of other entries at least as large (0 = top-1; a tie
/// counts against the own token, so a constant row scores as badly as possible).
/// Rows are computed in chunks through the compute backend; the whole V × V matrix is never held.
/// </summary>
public static class DiagonalRanks
{
    public static int[] Of(float[] left, float[] right, int vocab, int rank, IReadOnlyList<int> rows, int chunk = 256)
    {
        if (left.Length != vocab * rank || right.Length != vocab * rank)
            throw new ArgumentException($"factors must be [{vocab}, {rank}]; got {left.Length} and {right.Length} values");
        foreach (var i in rows)
            if ((uint)i >= (uint)vocab) throw new ArgumentException($"row {i} is outside 0..{vocab - 1}", nameof(rows));
        var ranks = new int[rows.Count];
        var block = new float[Math.Min(chunk, Math.Max(1, rows.Count)) * vocab];
        for (int start = 0; start < rows.Count; start += chunk)
        {
            int n = Math.Min(chunk, rows.Count - start);
            var l = new float[n * rank];
            for (int r = 0; r < n; r++) Array.Copy(left, rows[start + r] * rank, l, r * rank, rank);
            Compute.Backend.Gemm(false, true, n, vocab, rank, l, rank, right, rank, block, vocab);
            for (int r = 0; r < n; r++)
            {
                var row = block.AsSpan(r * vocab, vocab);
                int self = rows[start + r];
                float own = row[self];
                int atLeast = 0;
                for (int j = 0; j < row.Length; j++) if (j != self && row[j] >= own) atLeast++;
                ranks[start + r] = atLeast;
            }
        }
        return ranks;
    }

    public static DiagonalAccuracy Summarize(IReadOnlyList<int> ranks, int columns)
    {
        if (ranks.Count == 0) throw new ArgumentException("no ranks to summarise", nameof(ranks));
        var sorted = ranks.OrderBy(r => r).ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2.0;
        return new DiagonalAccuracy(ranks.Count, ranks.Count(r => r == 0), ranks.Count(r => r < 5), median, columns);
    }

    /// <summary>
    /// The rows to score: every token but BOS when the vocabulary has at most <paramref name="allUpTo"/> tokens, else a seeded
    /// sample of <paramref name="sample"/> of them (ranks are still over the full vocabulary).
    /// </summary>
    public static IReadOnlyList<int> RowsToScore(int vocab, int? bos, int allUpTo, int sample, ulong seed) =>
        vocab - (bos == null ? 0 : 1) <= allUpTo ? Enumerable.Range(0, vocab).Where(i => i != bos).ToArray()
            : TokenPowers.SampleTokens(sample, vocab, bos, seed);
}
