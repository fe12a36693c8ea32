using Verification.Lens;

namespace Verification.Experiments;

/// <summary>Per-head statistic with its standard error over the batch.</summary>
public sealed record HeadStatistic(int Layer, int Head, double Mean, double StandardError)
{
    public string Label => $"L{Layer}H{Head}";
}

/// <summary>
/// The GPT-2 document's induction score: the mean of a head's attention pattern along the diagonal at offset −(N−1) on
/// BOS + N random tokens + the same N (query q attends key q−N+1, for q = N−1 .. 2N), averaged over sequences.
/// </summary>
public static class InductionStripe
{
    public static IReadOnlyList<HeadStatistic> Scores(HookedTransformer model, Tokens tokens, int n, int chunk = 16)
    {
        if (tokens.Length != 2 * n + 1) throw new ArgumentException($"tokens of length {tokens.Length} are not BOS + 2x{n}");
        int layers = model.Config.NLayers, heads = model.Config.NHeads, t = tokens.Length;
        var perSequence = new double[layers, heads, tokens.Batch];
        foreach (var (start, part, cache) in HeadScores.PatternChunks(model, tokens, chunk))
        {
            for (int l = 0; l < layers; l++)
            {
                var p = cache.Pattern(l).Data;
                for (int b = 0; b < part.Batch; b++)
                    for (int h = 0; h < heads; h++)
                        perSequence[l, h, start + b] = StripeMean(p, ((b * heads) + h) * t * t, t, n);
            }
        }
        var result = new List<HeadStatistic>();
        for (int l = 0; l < layers; l++)
            for (int h = 0; h < heads; h++)
            {
                var xs = Enumerable.Range(0, tokens.Batch).Select(b => perSequence[l, h, b]).ToArray();
                result.Add(new HeadStatistic(l, h, xs.Average(), Statistics.StandardError(xs)));
            }
        return result;
    }

    /// <summary>Mean of pattern[q, q − (n − 1)] over q = n−1 .. 2n for one [t, t] pattern starting at offset.</summary>
    public static double StripeMean(float[] pattern, int offset, int t, int n)
    {
        double sum = 0;
        int count = 0;
        for (int q = n - 1; q < t; q++)
        {
            sum += pattern[offset + q * t + q - (n - 1)];
            count++;
        }
        return sum / count;
    }
}

/// <summary>Small statistics helpers shared by experiments.</summary>
public static class Statistics
{
    /// <summary>Standard error of the mean (sample standard deviation / √n); 0 for fewer than two values.</summary>
    public static double StandardError(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2) return 0;
        double mean = xs.Average();
        double var = xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1);
        return Math.Sqrt(var / xs.Count);
    }

    public static double StandardDeviation(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2) return 0;
        double mean = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1));
    }
}
