using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>A5: in … [A][X][B] … [C][X][D] … [A][X] the model predicts B over D, in either order of the two triplets.</summary>
public sealed class A5Triplets : DecoderClaimSpec
{
    private const ulong SeedOffset = 500;
    // The document writes "…" between the triplets and gives no filler; its numbers equal its A6 length-3 row, which has none.
    private const int Filler = 0;
    private const double PublishedPB = 0.0649, PublishedPD = 0.0132, Slack = 0.01, SimilarWithin = 0.02;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "A5",
        Title = "Triplets",
        Source = "[001] attn-only-2l: induction circuits for longer sequences",
        Statement = "In … [A][X][B] … [C][X][D] … [A][X] the model gives the inductive answer B more probability than D, and reversing " +
                    "the order of the two triplets gives a similar result.",
        PublishedModel = "attn-only-2l",
        Published = new[]
        {
            new PublishedNumber("P(B)", PublishedPB, "mean over 4000 sequences"), new PublishedNumber("P(D)", PublishedPD, "mean over 4000 sequences")
        },
        Rule = "Run as written: BOS [A][X][B][C][X][D][A][X], no filler (the document gives none). Forward: mean P(B) > mean P(D) (document). " +
               "Reversed (the same sequences with the triplets swapped, so the comparison is paired): P(B) > P(D) and P(B) higher than forward " +
               $"(\"a slight increase in the probability for [B]\", the document's direction, compared as point estimates), and within {SimilarWithin} of " +
               $"forward (\"similar\": our threshold). On attn-only-2l, agreement: P(B) and P(D) within 3 s.e. + {Slack} of 0.0649 and 0.0132 " +
               "(values the document's, bands ours).",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        int batch = context.Pick(ci: 128, full: 4000);
        var pool = TokenPool.For(model);
        AnswerStatistics Run(bool reversed)
        {
            // One seed for both orders: the same tokens, only the two triplets swapped.
            var task = SequenceTasks.Triplets(pool, batch, Filler, reversed, context.Seed + SeedOffset);
            return LogitDifference.Measure(model, task.Clean, task.Correct, task.Wrong);
        }
        var forward = Run(false);
        var reversed = Run(true);
        double change = reversed.PCorrect - forward.PCorrect;
        var checks = new List<ClaimCheck>
        {
            new("forward: P(B) > P(D)", forward.PCorrect > forward.PWrong, $"P(B) {forward.PCorrect:F4} ± {forward.PCorrectSe:F4}, P(D) {forward.PWrong:F4} ± {forward.PWrongSe:F4}", "P(B) > P(D)", CheckOwner.Document),
            new("reversed: P(B) > P(D)", reversed.PCorrect > reversed.PWrong, $"P(B) {reversed.PCorrect:F4}, P(D) {reversed.PWrong:F4}", "P(B) > P(D)", CheckOwner.Document),
            new("reversed order raises P(B) slightly", change > 0, $"reversed − forward P(B) = {change:+0.0000;-0.0000}", "> 0", CheckOwner.Document),
            new("reversed order similar", Math.Abs(change) <= SimilarWithin, $"|{change:F4}|", $"≤ {SimilarWithin}", CheckOwner.Ours),
        };
        if (target.Name == "attn-only-2l")
        {
            checks.Add(ClaimCheck.Near("P(B)", forward.PCorrect, forward.PCorrectSe, PublishedPB, Slack));
            checks.Add(ClaimCheck.Near("P(D)", forward.PWrong, forward.PWrongSe, PublishedPD, Slack));
        }
        var verdict = ClaimOutcome.Judge(checks);
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = ClaimOutcome.FailedText(checks) + $" (forward P(B) {forward.PCorrect:F4}, P(D) {forward.PWrong:F4}; reversed P(B) {reversed.PCorrect:F4}, P(D) {reversed.PWrong:F4})",
            Checks = checks,
            Protocol = $"{batch} sequences BOS [A][X][B][C][X][D][A][X] (reversed: the same tokens with the two triplets swapped), " +
                       $"{pool.Describe()}, A, X, B, C, D distinct; seed {context.Seed} + {SeedOffset} for both orders; last-position probabilities, means ± s.e.",
            Measured = new[]
            {
                new MeasuredNumber("P(B)", forward.PCorrect, 1e-4, forward.PCorrectSe), new MeasuredNumber("P(D)", forward.PWrong, 1e-4, forward.PWrongSe),
                new MeasuredNumber("logit diff B−D", forward.LogitDiff, 1e-3, forward.LogitDiffSe),
                new MeasuredNumber("reversed P(B)", reversed.PCorrect, 1e-4, reversed.PCorrectSe), new MeasuredNumber("reversed P(D)", reversed.PWrong, 1e-4, reversed.PWrongSe),
                new MeasuredNumber("reversed logit diff B−D", reversed.LogitDiff, 1e-3, reversed.LogitDiffSe),
            },
            Figures = new Figure[]
            {
                new BarChartFigure($"Triplet answers ({target.Name})", $"mean over {batch} sequences per order; published forward: P(B) 0.0649, P(D) 0.0132",
                    new[] { "P(B)", "P(D)", "reversed P(B)", "reversed P(D)" }, new[] { forward.PCorrect, forward.PWrong, reversed.PCorrect, reversed.PWrong }, "probability"),
            },
        };
    }
}
