using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>A5: in … [A][X][B] … [C][X][D] … [A][X] the model predicts B over D, in either order of the two triplets.</summary>
public sealed class A5Triplets : DecoderClaimSpec
{
    private const ulong SeedOffset = 500;
    private const int Filler = 5;
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
        Rule = $"Mean P(B) > mean P(D) in both orders, and the reversed order's P(B) within {SimilarWithin} of the forward one's (similar). " +
               $"On attn-only-2l also P(B) and P(D) within 3 s.e. + {Slack} of 0.0649 and 0.0132.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        int batch = context.Pick(ci: 128, full: 4000);
        var pool = TokenPool.For(model);
        AnswerStatistics Run(bool reversed)
        {
            var task = SequenceTasks.Triplets(pool, batch, Filler, reversed, context.Seed + SeedOffset + (reversed ? 1UL : 0UL));
            return LogitDifference.Measure(model, task.Clean, task.Correct, task.Wrong);
        }
        var forward = Run(false);
        var reversed = Run(true);

        var checks = new List<(bool Ok, string Text)>
        {
            (forward.PCorrect > forward.PWrong, $"forward P(B) {forward.PCorrect:F4} ± {forward.PCorrectSe:F4} {(forward.PCorrect > forward.PWrong ? ">" : "≤")} P(D) {forward.PWrong:F4} ± {forward.PWrongSe:F4}"),
            (reversed.PCorrect > reversed.PWrong, $"reversed P(B) {reversed.PCorrect:F4} {(reversed.PCorrect > reversed.PWrong ? ">" : "≤")} P(D) {reversed.PWrong:F4}"),
            (Math.Abs(reversed.PCorrect - forward.PCorrect) <= SimilarWithin,
                $"reversed P(B) − forward P(B) = {(reversed.PCorrect >= forward.PCorrect ? "+" : "")}{reversed.PCorrect - forward.PCorrect:F4} ({(Math.Abs(reversed.PCorrect - forward.PCorrect) <= SimilarWithin ? "similar" : "not similar")})"),
        };
        if (target.Name == "attn-only-2l")
        {
            checks.Add(SharedRuns.Near("P(B)", forward.PCorrect, forward.PCorrectSe, PublishedPB, Slack));
            checks.Add(SharedRuns.Near("P(D)", forward.PWrong, forward.PWrongSe, PublishedPD, Slack));
        }
        bool holds = checks.All(c => c.Ok);
        return new ClaimOutcome
        {
            Verdict = holds ? Verdict.Holds : Verdict.Fails,
            Reason = string.Join("; ", checks.Select(c => c.Text)),
            Protocol = $"{batch} sequences BOS, {Filler} filler, [A][X][B], {Filler} filler, [C][X][D], {Filler} filler, [A][X] (reversed: the two triplets swapped), " +
                       $"{pool.Describe()}, every token of a sequence distinct; seed {context.Seed} + {SeedOffset} (reversed + 1); last-position probabilities, means ± s.e.",
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
