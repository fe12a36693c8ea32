using Verification.Lens;

namespace Verification.Experiments;

/// <summary>Where random tokens come from: ids in [Low, High), never the BOS token (which goes at position 0).</summary>
public sealed record TokenPool(int Bos, int Low, int High)
{
    /// <summary>The model's vocabulary without BOS, as the repeated-random-token protocol draws it.</summary>
    public static TokenPool For(HookedTransformer model)
    {
        var p = RepeatedRandomTokens.DefaultFor(model, 1, 1);
        return new TokenPool(p.Bos, p.VocabLow, p.VocabHigh);
    }

    /// <summary><paramref name="count"/> distinct ids (so A, B, C, D, X and the filler never coincide by chance), none of them BOS.</summary>
    public int[] Distinct(SeededRandom rng, int count)
    {
        int available = High - Low - (Bos >= Low && Bos < High ? 1 : 0);
        if (count > available) throw new ArgumentException($"cannot draw {count} distinct tokens from {available}");
        var seen = new HashSet<int>();
        var ids = new int[count];
        for (int i = 0; i < count; i++)
        {
            int id;
            do id = Next(rng); while (!seen.Add(id));
            ids[i] = id;
        }
        return ids;
    }

    /// <summary>One uniform id in [Low, High) other than BOS.</summary>
    public int Next(SeededRandom rng)
    {
        int id;
        do id = rng.NextInt(Low, High); while (id == Bos);
        return id;
    }

    /// <summary>BOS followed by <paramref name="length"/> independent uniform ids, per sequence.</summary>
    public Tokens RandomSequences(int batch, int length, ulong seed)
    {
        if (batch <= 0 || length <= 0) throw new ArgumentException($"batch {batch} and length {length} must be positive");
        var rng = new SeededRandom(seed);
        var ids = new int[batch * (length + 1)];
        for (int b = 0; b < batch; b++)
        {
            ids[b * (length + 1)] = Bos;
            for (int i = 1; i <= length; i++) ids[b * (length + 1) + i] = Next(rng);
        }
        return new Tokens(ids, batch, length + 1);
    }

    public string Describe() => $"ids uniform in [{Low}, {High}) except BOS {Bos} (xoshiro256** SeededRandom)";
}

/// <summary>
/// The sequences of the longer-induction document [001], each with BOS first and its answer pair:
/// the A5 triplets, the A6/A7 length sequences (with their corruption) and the A8 order sequence.
/// </summary>
public static class SequenceTasks
{
    /// <summary>
    /// A5: BOS, filler, [A][X][B], filler, [C][X][D], filler, [A][X] (reversed: the [C][X][D] part first); answer B over D.
    /// Filler is <paramref name="filler"/> random tokens in each gap.
    /// </summary>
    public static PatchingTask Triplets(TokenPool pool, int batch, int filler, bool reversed, ulong seed)
    {
        if (batch <= 0 || filler < 0) throw new ArgumentException($"batch {batch} and filler {filler} must be positive / non-negative");
        var rng = new SeededRandom(seed);
        var rows = new List<int[]>();
        var corrupted = new List<int[]>();
        var b = new int[batch];
        var d = new int[batch];
        for (int i = 0; i < batch; i++)
        {
            var ids = pool.Distinct(rng, 5 + 3 * filler);
            int A = ids[0], X = ids[1], B = ids[2], C = ids[3], D = ids[4];
            var gaps = Enumerable.Range(0, 3).Select(g => ids.AsSpan(5 + g * filler, filler).ToArray()).ToArray();
            var first = reversed ? new[] { C, X, D } : new[] { A, X, B };
            var second = reversed ? new[] { A, X, B } : new[] { C, X, D };
            var row = new[] { pool.Bos }.Concat(gaps[0]).Concat(first).Concat(gaps[1]).Concat(second).Concat(gaps[2]).Concat(new[] { A, X }).ToArray();
            rows.Add(row);
            var bad = (int[])row.Clone();
            bad[^2] = C; // the same query after C instead of A: answer D
            corrupted.Add(bad);
            b[i] = B; d[i] = D;
        }
        return new PatchingTask(Tokens.FromRows(rows), Tokens.FromRows(corrupted), b, d);
    }

    /// <summary>
    /// A6/A7 at pattern length L = k + 2: BOS [A] X1..Xk [B] [C] X1..Xk [D] [A] X1..Xk (answer B over D); the corrupted
    /// sequence replaces the last A by C (answer D).
    /// </summary>
    public static PatchingTask Lengths(TokenPool pool, int batch, int patternLength, ulong seed)
    {
        if (patternLength < 2) throw new ArgumentException($"pattern length {patternLength} is below 2 ([A][B])");
        if (batch <= 0) throw new ArgumentException($"batch {batch} must be positive");
        int k = patternLength - 2;
        var rng = new SeededRandom(seed);
        var clean = new List<int[]>();
        var corrupted = new List<int[]>();
        var b = new int[batch];
        var d = new int[batch];
        for (int i = 0; i < batch; i++)
        {
            var ids = pool.Distinct(rng, 4 + k);
            int A = ids[0], B = ids[1], C = ids[2], D = ids[3];
            var xs = ids[4..];
            var row = new[] { pool.Bos, A }.Concat(xs).Concat(new[] { B, C }).Concat(xs).Concat(new[] { D, A }).Concat(xs).ToArray();
            clean.Add(row);
            var bad = (int[])row.Clone();
            bad[row.Length - 1 - k] = C;
            corrupted.Add(bad);
            b[i] = B; d[i] = D;
        }
        return new PatchingTask(Tokens.FromRows(clean), Tokens.FromRows(corrupted), b, d);
    }

    /// <summary>Sequence length (with BOS) of a length-L task: 3(L − 2) + 6.</summary>
    public static int LengthSequenceTokens(int patternLength) => 3 * (patternLength - 2) + 6;

    /// <summary>
    /// A8: BOS [A][X2][X1][B][C][X1][X2][D][A][X2][X1][B][C][X1][X2][D][X2][A][X1]; answer B over X2 (Correct = B, Wrong = X2).
    /// The corrupted batch equals the clean one (A8 is not a patching task).
    /// </summary>
    public static PatchingTask Order(TokenPool pool, int batch, ulong seed)
    {
        if (batch <= 0) throw new ArgumentException($"batch {batch} must be positive");
        var rng = new SeededRandom(seed);
        var rows = new List<int[]>();
        var b = new int[batch];
        var x2 = new int[batch];
        for (int i = 0; i < batch; i++)
        {
            var ids = pool.Distinct(rng, 6);
            int A = ids[0], B = ids[1], C = ids[2], D = ids[3], X1 = ids[4], X2 = ids[5];
            rows.Add(new[] { pool.Bos, A, X2, X1, B, C, X1, X2, D, A, X2, X1, B, C, X1, X2, D, X2, A, X1 });
            b[i] = B; x2[i] = X2;
        }
        var tokens = Tokens.FromRows(rows);
        return new PatchingTask(tokens, tokens, b, x2);
    }
}
