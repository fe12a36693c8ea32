using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>S1: after …A B…A the model raises B's log-odds compared with the same tokens shuffled: induction strength is positive on average.</summary>
public sealed class S1InductionStrength : DecoderClaimSpec
{
    private const ulong SeedOffset = 0x5100;
    private const int CiReference = 512;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "S1",
        Title = "Induction strength",
        Source = "[002] attn-only-2l: induction strength depends on the tokens",
        Statement = "On BOS + 10 random tokens, A, B, 10 random tokens, A, the log-odds of B at the last position exceed the log-odds of B " +
                    "after shuffling every token but the last (induction strength = the difference); the mean strength is positive.",
        PublishedModel = "attn-only-2l",
        Rule = "Any model (the document gives the sign, not a value): the mean strength over the sequences is positive by more than " +
               "3 standard errors (our test).",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        int batch = context.Pick(ci: ForwardBudget.Size(model, CiReference, 128, 1024), full: 4096);
        var protocol = InductionSequenceProtocol.For(model, batch, context.Seed + SeedOffset);
        var sequences = InductionSequences.Generate(protocol);
        var m = InductionStrength.Measure(model, sequences, sequences.B.Select(b => new[] { b }).ToArray());
        var strengths = m.Strengths(0);
        double mean = strengths.Average(), se = Statistics.StandardError(strengths);
        var before = m.InductionLogOdds.Select(r => r[0]).ToArray();
        var after = m.ShuffledLogOdds.Select(r => r[0]).ToArray();
        double positive = strengths.Count(s => s > 0) / (double)batch;

        var checks = new List<ClaimCheck>
        {
            new("induction strength positive on average", mean - 3 * se > 0, $"{mean:F3} ± {se:F3}", "mean > 3 s.e. (sign: document; test: ours)", CheckOwner.Ours),
        };
        bool holds = checks[0].Passed;
        string reason = $"mean induction strength {mean:F3} ± {se:F3} (s.e., {batch} sequences) is {(holds ? "" : "not ")}above 0 by more than 3 s.e." +
                        $" (log-odds of B {before.Average():F3} after the induction sequence, {after.Average():F3} after the shuffled one; " +
                        $"{positive:P0} of sequences positive)";
        return new ClaimOutcome
        {
            Verdict = ClaimOutcome.Judge(checks),
            Checks = checks,
            Reason = reason,
            Protocol = protocol.Describe() + (context.Size == RunSize.Ci ? "; " + ForwardBudget.Describe(CiReference, batch) : "") + "; strength = logit(p_B) − logit(p_B shuffled), logit(p) = log p − log(1 − p) from the last position's " +
                       "log-softmax (double); mean ± s.e. over sequences",
            Measured = new[]
            {
                new MeasuredNumber("mean induction strength", mean, 1e-3, se),
                new MeasuredNumber("mean log-odds of B (induction sequence)", before.Average(), 1e-3, Statistics.StandardError(before)),
                new MeasuredNumber("mean log-odds of B (shuffled)", after.Average(), 1e-3, Statistics.StandardError(after)),
                new MeasuredNumber("fraction of sequences with positive strength", positive, 1e-3),
            },
            Figures = new Figure[]
            {
                new HistogramFigure($"Induction strength per sequence ({target.Name})", $"{batch} sequences; mean {mean:F3} ± {se:F3}", strengths, 40, "logit(p_B) − logit(p_B shuffled)"),
            },
        };
    }
}
