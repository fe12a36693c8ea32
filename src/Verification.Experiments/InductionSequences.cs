using Verification.Lens;

namespace Verification.Experiments;

/// <summary>
/// The induction-strength sequences of document [002]: [BOS] + F random tokens, A, B, F random tokens, A (F = 10), and a
/// copy of each with every token except BOS and the last A shuffled, so B almost never follows A before the last position.
/// </summary>
public sealed record InductionSequenceProtocol(int Batch, int Filler, ulong Seed, int? Bos, int Vocab)
{
    /// <summary>Positions taken by BOS (0 or 1).</summary>
    public int Offset => Bos == null ? 0 : 1;
    public int Length => Offset + 2 * Filler + 3;
    public int APosition => Offset + Filler;
    public int BPosition => APosition + 1;

    public string Describe() =>
        $"{(Bos is { } b ? $"BOS ({b}) + " : "")}{Filler} random tokens, A, B, {Filler} random tokens, A (length {Length}); batch {Batch}; " +
        $"random tokens, A and B {new RandomTokenIds(Vocab, Bos).Describe()}; shuffled copy: positions {Offset}..{Length - 2} permuted (Fisher-Yates); " +
        $"seed {Seed} (xoshiro256**: per sequence 2F+2 token draws then the permutation)";

    /// <summary>The protocol for a model: BOS prepended when the model has one (TransformerLens's default for attn-only-2l).</summary>
    public static InductionSequenceProtocol For(HookedTransformer model, int batch, ulong seed, int filler = 10)
    {
        int? bos = model.Config.DefaultPrependBos ? model.BosTokenId : null;
        var p = new InductionSequenceProtocol(batch, filler, seed, bos, model.Config.DVocab);
        if (p.Length > model.Config.NCtx) throw new ArgumentException($"induction sequences of length {p.Length} do not fit the context of {model.Config.NCtx}");
        return p;
    }
}

/// <summary>A batch of induction sequences, their shuffled copies, and the A and B of each.</summary>
public sealed record InductionSequenceBatch(Tokens Induction, Tokens Shuffled, int[] A, int[] B)
{
    public int Count => A.Length;

    public static InductionSequenceBatch Concat(IReadOnlyList<InductionSequenceBatch> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("no batches to concatenate", nameof(parts));
        int t = parts[0].Induction.Length;
        if (parts.Any(p => p.Induction.Length != t)) throw new ArgumentException("batches of different sequence lengths", nameof(parts));
        Tokens Join(Func<InductionSequenceBatch, Tokens> pick)
        {
            var ids = parts.SelectMany(p => pick(p).Ids).ToArray();
            return new Tokens(ids, ids.Length / t, t);
        }
        return new InductionSequenceBatch(Join(p => p.Induction), Join(p => p.Shuffled),
            parts.SelectMany(p => p.A).ToArray(), parts.SelectMany(p => p.B).ToArray());
    }
}

public static class InductionSequences
{
    /// <summary>
    /// Draws the batch. <paramref name="fixedA"/> / <paramref name="fixedB"/>, when given, fix sequence i's A / B (one id per
    /// sequence) instead of drawing it, which is how A power and B power hold one token in one role.
    /// </summary>
    public static InductionSequenceBatch Generate(InductionSequenceProtocol p, IReadOnlyList<int>? fixedA = null, IReadOnlyList<int>? fixedB = null)
    {
        if (p.Batch <= 0) throw new ArgumentException($"batch must be positive, got {p.Batch}", nameof(p));
        if (p.Filler < 1) throw new ArgumentException($"filler length must be at least 1, got {p.Filler}", nameof(p));
        var ids = new RandomTokenIds(p.Vocab, p.Bos);
        CheckFixed(fixedA, "A", p.Batch, ids);
        CheckFixed(fixedB, "B", p.Batch, ids);

        var rng = new SeededRandom(p.Seed);
        int t = p.Length;
        var induction = new int[p.Batch * t];
        var shuffled = new int[p.Batch * t];
        var a = new int[p.Batch];
        var b = new int[p.Batch];
        for (int s = 0; s < p.Batch; s++)
        {
            var row = induction.AsSpan(s * t, t);
            if (p.Bos is { } bos) row[0] = bos;
            for (int i = 0; i < p.Filler; i++) row[p.Offset + i] = ids.Next(rng);
            a[s] = fixedA?[s] ?? ids.Next(rng);
            b[s] = fixedB?[s] ?? ids.Next(rng);
            row[p.APosition] = a[s];
            row[p.BPosition] = b[s];
            for (int i = 0; i < p.Filler; i++) row[p.BPosition + 1 + i] = ids.Next(rng);
            row[t - 1] = a[s];

            var copy = shuffled.AsSpan(s * t, t);
            row.CopyTo(copy);
            rng.Shuffle(copy[p.Offset..(t - 1)]);
        }
        return new InductionSequenceBatch(new Tokens(induction, p.Batch, t), new Tokens(shuffled, p.Batch, t), a, b);
    }

    private static void CheckFixed(IReadOnlyList<int>? tokens, string role, int batch, RandomTokenIds ids)
    {
        if (tokens == null) return;
        if (tokens.Count != batch) throw new ArgumentException($"{tokens.Count} fixed {role} tokens for a batch of {batch}");
        foreach (var id in tokens)
            if (!ids.Contains(id)) throw new ArgumentException($"fixed {role} token {id} is BOS or outside the vocabulary of {ids.Vocab}");
    }
}
