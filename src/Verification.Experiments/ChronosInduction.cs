namespace Verification.Experiments;

/// <summary>
/// The Chronos document's [003] induction test, model-independent parts: repeated random tokens drawn from the value-token
/// range Chronos's mean scaling produces (ids 1910..2187), and the detection rule on one head's attention row.
/// </summary>
public static class ChronosInduction
{
    public const int RangeLow = 1910, RangeHigh = 2187; // inclusive, as the document gives it
    public const double Threshold = 0.3;

    /// <summary>
    /// Encoder ids: <paramref name="length"/> random ids in 1910..2187 repeated <paramref name="repetitions"/> times, then the
    /// first id once more (the query whose continuation is known), then EOS — "ABCDEFGHIJABCDEFGHIJA&lt;EOS&gt;". Other
    /// ranges (<paramref name="low"/>..<paramref name="high"/>, inclusive) serve models without Chronos's value tokens.
    /// </summary>
    public static int[] RepeatedTokens(SeededRandom rng, int length, int repetitions, int eos = 1, int low = RangeLow, int high = RangeHigh)
    {
        if (length < 1 || repetitions < 1) throw new ArgumentException($"length {length} and repetitions {repetitions} must be at least 1");
        var pattern = Enumerable.Range(0, length).Select(_ => rng.NextInt(low, high + 1)).ToArray();
        return Enumerable.Repeat(pattern, repetitions).SelectMany(p => p).Append(pattern[0]).Append(eos).ToArray();
    }

    /// <summary>
    /// The query of the rule: the final repeated token, the last position before the trailing EOS (EOS itself never recurs,
    /// so taking the literal last position would never find an induction head).
    /// </summary>
    public static int QueryOf(IReadOnlyList<int> encoderIds, int eos = 1)
    {
        int q = encoderIds.Count - 1;
        while (q >= 0 && encoderIds[q] == eos) q--;
        if (q < 0) throw new ArgumentException("encoder input holds only EOS: no query token");
        return q;
    }

    /// <summary>
    /// The attention score of the rule: with m the most recent earlier position holding the query's token, the larger of
    /// the query's attention to m and to m + 1; null when the query's token has not occurred before.
    /// </summary>
    /// <param name="attention">The query's attention row over keys 0..(at least) query.</param>
    public static double? Score(IReadOnlyList<double> attention, IReadOnlyList<int> tokens, int query)
    {
        if ((uint)query >= (uint)tokens.Count) throw new ArgumentOutOfRangeException(nameof(query), $"query {query} outside 0..{tokens.Count - 1}");
        if (attention.Count < tokens.Count) throw new ArgumentException($"attention row of {attention.Count} for {tokens.Count} tokens");
        int m = -1;
        for (int t = query - 1; t >= 0; t--)
            if (tokens[t] == tokens[query]) { m = t; break; }
        if (m < 0) return null;
        return Math.Max(attention[m], attention[m + 1]);
    }

    /// <summary>The rule: a head is an induction head when the score reaches 0.3.</summary>
    public static bool IsInductionHead(IReadOnlyList<double> attention, IReadOnlyList<int> tokens, int query) =>
        Score(attention, tokens, query) is { } s && s >= Threshold;
}
