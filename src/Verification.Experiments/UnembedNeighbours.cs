using Verification.Lens.Weights;
using Verification.Tensors.Backends;

namespace Verification.Experiments;

/// <summary>
/// Tokens nearest to a token in unembedding space: cosine similarity of W_U's columns (W_U[:, t], as the weights are
/// loaded, i.e. after TransformerLens's processing), the token itself and an excluded id (BOS) left out, ties to the lower id.
/// </summary>
public static class UnembedNeighbours
{
    public static int[][] Nearest(TransformerWeights weights, IReadOnlyList<int> tokens, int k, int? exclude = null, int chunk = 64)
    {
        int d = weights.W_U.Shape[0], v = weights.W_U.Shape[1];
        if (k < 1 || k > v - 2) throw new ArgumentException($"cannot take {k} neighbours in a vocabulary of {v}", nameof(k));
        foreach (var t in tokens)
            if ((uint)t >= (uint)v) throw new ArgumentException($"token {t} is outside the vocabulary of {v}", nameof(tokens));
        var unit = UnitColumns(weights.W_U.Data, d, v); // [V, d]
        var distinct = tokens.Distinct().ToArray();
        var found = new Dictionary<int, int[]>();
        var sims = new float[Math.Min(chunk, distinct.Length) * v];
        for (int start = 0; start < distinct.Length; start += chunk)
        {
            int n = Math.Min(chunk, distinct.Length - start);
            var q = new float[n * d];
            for (int i = 0; i < n; i++) Array.Copy(unit, distinct[start + i] * d, q, i * d, d);
            Compute.Backend.Gemm(false, true, n, v, d, q, d, unit, d, sims, v);
            for (int i = 0; i < n; i++)
                found[distinct[start + i]] = TopK(sims.AsSpan(i * v, v), k, distinct[start + i], exclude);
        }
        return tokens.Select(t => found[t]).ToArray();
    }

    // W_U [d, V] → unit-norm rows [V, d] (a zero column stays zero: cosine 0 with everything).
    private static float[] UnitColumns(float[] wU, int d, int v)
    {
        var unit = new float[v * d];
        for (int t = 0; t < v; t++)
        {
            double norm = 0;
            for (int m = 0; m < d; m++) norm += (double)wU[m * v + t] * wU[m * v + t];
            double inv = norm > 0 ? 1 / Math.Sqrt(norm) : 0;
            for (int m = 0; m < d; m++) unit[t * d + m] = (float)(wU[m * v + t] * inv);
        }
        return unit;
    }

    private static int[] TopK(ReadOnlySpan<float> row, int k, int self, int? exclude)
    {
        var best = new List<int>(k + 1);
        for (int j = 0; j < row.Length; j++)
        {
            if (j == self || j == exclude) continue;
            if (best.Count == k && !(row[j] > row[best[^1]])) continue;
            int at = best.Count;
            while (at > 0 && row[j] > row[best[at - 1]]) at--;
            best.Insert(at, j);
            if (best.Count > k) best.RemoveAt(k);
        }
        return best.ToArray();
    }
}
