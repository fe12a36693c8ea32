using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>A8: on a sequence whose last two tokens never occur in that order, the model still prefers B over X2.</summary>
public sealed class A8OrderInsensitivity : DecoderClaimSpec
{
    private const ulong SeedOffset = 800;
    private const double Published = 5.61, Slack = 1.0;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "A8",
        Title = "Order insensitivity",
        Source = "[001] attn-only-2l: induction circuits for longer sequences",
        Statement = "On [A][X2][X1][B][C][X1][X2][D][A][X2][X1][B][C][X1][X2][D][X2][A][X1] the model prefers B over X2, though [A][X1] never " +
                    "occurs in that order: the look-back-two information is not ordered.",
        PublishedModel = "attn-only-2l",
        Published = new[] { new PublishedNumber("logit diff B−X2", Published, "one sequence") },
        Rule = $"Mean logit diff B − X2 > 0 (the document's direction). On attn-only-2l, agreement: within 3 s.e. + {Slack} of 5.61 (value the " +
               "document's, from one sequence; band ours, because we average random ones).",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        int batch = context.Pick(ci: 64, full: 1000);
        var pool = TokenPool.For(model);
        var task = SequenceTasks.Order(pool, batch, context.Seed + SeedOffset);
        var s = LogitDifference.Measure(model, task.Clean, task.Correct, task.Wrong);
        bool positive = s.LogitDiff > 0;
        var checks = new List<ClaimCheck> { new("B preferred over X2", positive, $"{s.LogitDiff:F3} ± {s.LogitDiffSe:F3}", "mean logit diff B − X2 > 0", CheckOwner.Document) };
        if (target.Name == "attn-only-2l") checks.Add(ClaimCheck.Near("logit diff B − X2", s.LogitDiff, s.LogitDiffSe, Published, Slack));
        return new ClaimOutcome
        {
            Verdict = ClaimOutcome.Judge(checks),
            Reason = $"mean logit diff B − X2 = {s.LogitDiff:F3} ± {s.LogitDiffSe:F3}; " + ClaimOutcome.FailedText(checks),
            Checks = checks,
            Protocol = $"{batch} sequences BOS [A][X2][X1][B][C][X1][X2][D][A][X2][X1][B][C][X1][X2][D][X2][A][X1], {pool.Describe()}, the six ids distinct; " +
                       $"seed {context.Seed} + {SeedOffset}; last-position logits, mean ± s.e.",
            Measured = new[]
            {
                new MeasuredNumber("logit diff B−X2", s.LogitDiff, 1e-3, s.LogitDiffSe),
                new MeasuredNumber("P(B)", s.PCorrect, 1e-4, s.PCorrectSe), new MeasuredNumber("P(X2)", s.PWrong, 1e-4, s.PWrongSe),
            },
            Figures = new Figure[]
            {
                new BarChartFigure($"Order sequence ({target.Name})", $"mean over {batch} sequences; published logit diff 5.61", new[] { "P(B)", "P(X2)" },
                    new[] { s.PCorrect, s.PWrong }, "probability"),
            },
        };
    }
}
