using Verification.Lens;

namespace Verification.Experiments;

/// <summary>
/// Log-odds of chosen tokens at the last position of each induction sequence and of its shuffled copy.
/// <c>Targets[i]</c> lists the tokens read for sequence i (B itself, or B's unembedding neighbours, or random tokens).
/// </summary>
public sealed record StrengthMeasurement(IReadOnlyList<int[]> Targets, double[][] InductionLogOdds, double[][] ShuffledLogOdds)
{
    public int Count => Targets.Count;

    /// <summary>Induction strength of target j in sequence i: log-odds after the induction sequence minus after the shuffled one.</summary>
    public double Strength(int sequence, int target) => InductionLogOdds[sequence][target] - ShuffledLogOdds[sequence][target];

    /// <summary>Target j's strength in every sequence.</summary>
    public double[] Strengths(int target) => Enumerable.Range(0, Count).Select(i => Strength(i, target)).ToArray();
}

/// <summary>
/// Document [002]'s induction strength: logit(p_B) at the last position of BOS? + F random, A, B, F random, A minus logit(p_B)
/// at the last position of the same tokens shuffled (all but the last), where logit(p) = log p − log(1 − p) comes from the
/// log-softmax of the last position's logits, in double. Sequences run in batches, logits at the last position only.
/// </summary>
public static class InductionStrength
{
    /// <summary>log p − log(1 − p) from log p, accurate for p near 0 and near 1.</summary>
    public static double LogOdds(double logProbability)
    {
        if (double.IsNaN(logProbability) || logProbability > 0) throw new ArgumentOutOfRangeException(nameof(logProbability), $"log-probability {logProbability} is not ≤ 0");
        return logProbability - Math.Log(OneMinusExp(logProbability));
    }

    // 1 − eˣ for x ≤ 0 without cancellation near 0 (a short series there; .NET has no accurate expm1).
    private static double OneMinusExp(double x) => x > -1e-5 ? -x * (1 + x / 2 + x * x / 6) : 1 - Math.Exp(x);

    /// <summary>Each sequence's strength for B alone.</summary>
    public static double[] ForB(HookedTransformer model, InductionSequenceBatch batch, int chunk = 128) =>
        Measure(model, batch, batch.B.Select(b => new[] { b }).ToArray(), chunk).Strengths(0);

    public static StrengthMeasurement Measure(HookedTransformer model, InductionSequenceBatch batch, IReadOnlyList<int[]> targets, int chunk = 128)
    {
        if (targets.Count != batch.Count) throw new ArgumentException($"{targets.Count} target lists for {batch.Count} sequences", nameof(targets));
        foreach (var t in targets.SelectMany(x => x))
            if ((uint)t >= (uint)model.Config.DVocab) throw new ArgumentException($"target token {t} is outside the vocabulary of {model.Config.DVocab}", nameof(targets));
        return new StrengthMeasurement(targets, LastPositionLogOdds(model, batch.Induction, targets, chunk), LastPositionLogOdds(model, batch.Shuffled, targets, chunk));
    }

    /// <summary>Per sequence, the log-odds of each of its targets at the last position.</summary>
    public static double[][] LastPositionLogOdds(HookedTransformer model, Tokens tokens, IReadOnlyList<int[]> targets, int chunk = 128)
    {
        if (chunk <= 0) throw new ArgumentOutOfRangeException(nameof(chunk), "chunk must be positive");
        int v = model.Config.DVocab;
        var result = new double[tokens.Batch][];
        for (int start = 0; start < tokens.Batch; start += chunk)
        {
            int n = Math.Min(chunk, tokens.Batch - start);
            var logits = model.Forward(tokens.Slice(start, n), new ForwardOptions { LastPositionOnly = true }).Data; // [n, 1, V]
            for (int r = 0; r < n; r++)
            {
                double lse = LogSumExp(logits.AsSpan(r * v, v));
                var wanted = targets[start + r];
                var odds = new double[wanted.Length];
                for (int j = 0; j < wanted.Length; j++) odds[j] = LogOdds(Math.Min(0.0, logits[r * v + wanted[j]] - lse));
                result[start + r] = odds;
            }
        }
        return result;
    }

    private static double LogSumExp(ReadOnlySpan<float> row)
    {
        double max = double.NegativeInfinity;
        foreach (var x in row) if (x > max) max = x;
        double sum = 0;
        foreach (var x in row) sum += Math.Exp(x - max);
        return max + Math.Log(sum);
    }
}
