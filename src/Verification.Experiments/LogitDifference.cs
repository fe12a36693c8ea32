using Verification.Lens;
using Verification.Lens.Hooks;

namespace Verification.Experiments;

/// <summary>Mean logit difference (correct − wrong) and both answers' probabilities at the last position, with standard errors over the batch.</summary>
public sealed record AnswerStatistics(double LogitDiff, double LogitDiffSe, double PCorrect, double PCorrectSe, double PWrong, double PWrongSe, int Batch)
{
    public string Describe() => $"logit diff {LogitDiff:F3} ± {LogitDiffSe:F3}, P(correct) {PCorrect:F4} ± {PCorrectSe:F4}, P(wrong) {PWrong:F4} ± {PWrongSe:F4} (n = {Batch})";
}

/// <summary>
/// Last-position answer metrics: one forward over the whole batch with LastPositionOnly, then per sequence the logit of its
/// correct answer minus its wrong answer, and both softmax probabilities (computed in double).
/// </summary>
public static class LogitDifference
{
    public static AnswerStatistics Measure(HookedTransformer model, Tokens tokens, IReadOnlyList<int> correct, IReadOnlyList<int> wrong, IReadOnlyList<Hook>? hooks = null)
    {
        var logits = LastLogits(model, tokens, hooks);
        return Summarize(logits, model.Config.DVocab, correct, wrong);
    }

    /// <summary>Logits at the last position, [batch · d_vocab] row-major.</summary>
    public static float[] LastLogits(HookedTransformer model, Tokens tokens, IReadOnlyList<Hook>? hooks = null) =>
        model.Run(tokens, new ForwardOptions { Hooks = hooks, LastPositionOnly = true }).Output.Data;

    /// <summary>Per-sequence logit differences logits[b, correct[b]] − logits[b, wrong[b]] of [batch · vocab] logits.</summary>
    public static double[] PerSequence(float[] logits, int vocab, IReadOnlyList<int> correct, IReadOnlyList<int> wrong)
    {
        int batch = CheckShape(logits, vocab, correct, wrong);
        var diffs = new double[batch];
        for (int b = 0; b < batch; b++) diffs[b] = (double)logits[b * vocab + correct[b]] - logits[b * vocab + wrong[b]];
        return diffs;
    }

    public static AnswerStatistics Summarize(float[] logits, int vocab, IReadOnlyList<int> correct, IReadOnlyList<int> wrong)
    {
        int batch = CheckShape(logits, vocab, correct, wrong);
        var diffs = PerSequence(logits, vocab, correct, wrong);
        var pc = new double[batch];
        var pw = new double[batch];
        for (int b = 0; b < batch; b++)
        {
            var row = logits.AsSpan(b * vocab, vocab);
            double max = double.NegativeInfinity;
            foreach (var x in row) max = Math.Max(max, x);
            double sum = 0;
            foreach (var x in row) sum += Math.Exp(x - max);
            pc[b] = Math.Exp(row[correct[b]] - max) / sum;
            pw[b] = Math.Exp(row[wrong[b]] - max) / sum;
        }
        return new AnswerStatistics(diffs.Average(), Statistics.StandardError(diffs), pc.Average(), Statistics.StandardError(pc),
            pw.Average(), Statistics.StandardError(pw), batch);
    }

    private static int CheckShape(float[] logits, int vocab, IReadOnlyList<int> correct, IReadOnlyList<int> wrong)
    {
        if (vocab <= 0 || logits.Length % vocab != 0) throw new ArgumentException($"{logits.Length} logits are not rows of vocab {vocab}");
        int batch = logits.Length / vocab;
        if (correct.Count != batch || wrong.Count != batch)
            throw new ArgumentException($"{correct.Count} correct and {wrong.Count} wrong answers for a batch of {batch}");
        foreach (var id in correct.Concat(wrong))
            if ((uint)id >= (uint)vocab) throw new ArgumentException($"answer token {id} is outside the vocabulary of {vocab}");
        return batch;
    }
}
