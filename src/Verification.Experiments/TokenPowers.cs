using Verification.Lens;

namespace Verification.Experiments;

/// <summary>One token's mean induction strength over the sequences where it plays one role (A or B).</summary>
public sealed record TokenPower(int Token, double Mean, double StandardError, int Sequences);

/// <summary>
/// How widely per-token powers spread compared with their own noise: the standard deviation of the per-token means across
/// tokens, against the root-mean-square of their standard errors (what the spread would be if every token were the same).
/// </summary>
public sealed record PowerSpread(int Tokens, double Mean, double StdAcrossTokens, double RmsStandardError)
{
    /// <summary>Spread over noise: about 1 when tokens do not differ.</summary>
    public double Ratio => RmsStandardError > 0 ? StdAcrossTokens / RmsStandardError : double.PositiveInfinity;
    /// <summary>Standard error of the mean over all tokens' sequences (tokens weighted equally).</summary>
    public double StandardErrorOfMean => Tokens > 0 ? Math.Sqrt(StdAcrossTokens * StdAcrossTokens / Tokens) : 0;
}

/// <summary>
/// Document [002]'s A power and B power: for each token, the mean induction strength over sequences where it is A (B drawn at
/// random), and over sequences where it is B (A drawn at random). Each token's sequences come from their own seed
/// (seed, token, role), so a token's power does not depend on which other tokens are in the sample.
/// </summary>
public static class TokenPowers
{
    public enum Role { A = 0, B = 1 }

    public static IReadOnlyList<TokenPower> Measure(HookedTransformer model, IReadOnlyList<int> tokens, Role role, int perToken, ulong seed,
        int filler = 10, int tokensPerForward = 0)
    {
        if (perToken < 2) throw new ArgumentException($"need at least 2 sequences per token for a standard error, got {perToken}", nameof(perToken));
        if (tokens.Count == 0) throw new ArgumentException("no tokens to measure", nameof(tokens));
        var protocol = InductionSequenceProtocol.For(model, perToken, seed, filler);
        // Enough tokens per group that each forward sees a few hundred sequences, while memory stays bounded at --full sizes.
        int group = tokensPerForward > 0 ? tokensPerForward : Math.Max(1, 512 / perToken);
        var result = new List<TokenPower>(tokens.Count);
        for (int start = 0; start < tokens.Count; start += group)
        {
            var part = tokens.Skip(start).Take(group).ToList();
            var batches = part.Select(t =>
            {
                var fixedTokens = Enumerable.Repeat(t, perToken).ToArray();
                var p = protocol with { Seed = SeedFor(seed, t, role) };
                return role == Role.A ? InductionSequences.Generate(p, fixedA: fixedTokens) : InductionSequences.Generate(p, fixedB: fixedTokens);
            }).ToList();
            var strengths = InductionStrength.ForB(model, InductionSequenceBatch.Concat(batches));
            for (int i = 0; i < part.Count; i++)
            {
                var xs = strengths.AsSpan(i * perToken, perToken).ToArray();
                result.Add(new TokenPower(part[i], xs.Average(), Statistics.StandardError(xs), perToken));
            }
        }
        return result;
    }

    /// <summary>The seed of one token's sequences in one role: the run's seed mixed with (token, role).</summary>
    public static ulong SeedFor(ulong seed, int token, Role role) => unchecked(seed ^ ((ulong)(2 * token + (int)role + 1) * 0x9E3779B97F4A7C15UL));

    public static PowerSpread Spread(IReadOnlyList<TokenPower> powers)
    {
        if (powers.Count < 2) throw new ArgumentException("need at least two tokens to measure a spread", nameof(powers));
        var means = powers.Select(p => p.Mean).ToArray();
        double rms = Math.Sqrt(powers.Average(p => p.StandardError * p.StandardError));
        return new PowerSpread(powers.Count, means.Average(), Statistics.StandardDeviation(means), rms);
    }

    /// <summary>
    /// <paramref name="count"/> distinct ids drawn from [0, <paramref name="firstIds"/>) without BOS, in ascending order; all of
    /// them when count covers the range (the document's "first 10000 token ids").
    /// </summary>
    public static IReadOnlyList<int> SampleTokens(int count, int firstIds, int? bos, ulong seed)
    {
        if (count <= 0 || firstIds <= 0) throw new ArgumentException($"cannot sample {count} tokens from the first {firstIds} ids");
        var pool = Enumerable.Range(0, firstIds).Where(i => i != bos).ToArray();
        if (count >= pool.Length) return pool;
        new SeededRandom(seed).Shuffle(pool.AsSpan());
        return pool.Take(count).OrderBy(i => i).ToArray();
    }
}
