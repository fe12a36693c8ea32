using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>G1: on repeated random tokens, some heads are induction heads (diagonal score ≥ 0.4); GPT-2 small's are 5.1, 5.5, 6.9, 7.2, 7.10.</summary>
public sealed class G1InductionMap : DecoderClaimSpec
{
    public const double Threshold = 0.4;
    private static readonly (int Layer, int Head)[] PublishedHeads = { (5, 1), (5, 5), (6, 9), (7, 2), (7, 10) };

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "G1",
        Title = "Induction map",
        Source = "[000] GPT-2 small: induction heads, and where they look when their input is absent",
        Statement = "On repeated random tokens (BOS + N=25 random + the same 25), a few heads attend from each token of the second copy " +
                    "to the token after its earlier copy: their induction score (mean of the pattern's diagonal at offset −(N−1)) is ≥ 0.4.",
        PublishedModel = "gpt2-small",
        Published = new[]
        {
            new PublishedNumber("induction heads (count)", 5, "5.1, 5.5, 6.9, 7.2, 7.10"),
            new PublishedNumber("lowest induction-head score", 0.75, "roughly"),
            new PublishedNumber("highest induction-head score", 0.93, "roughly"),
        },
        Rule = "gpt2-small: every published head scores ≥ 0.4. Any other model: at least one head after layer 0 scores ≥ 0.4 " +
               "(an induction head exists); which heads they are is reported and gated by the golden numbers.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        int n = 25, batch = context.Pick(ci: 32, full: 256);
        var protocol = RepeatedRandomTokens.DefaultFor(model, batch, n, context.Seed);
        var scores = InductionStripe.Scores(model, RepeatedRandomTokens.Generate(protocol), n);
        var induction = scores.Where(s => s.Layer > 0 && s.Mean >= Threshold).OrderByDescending(s => s.Mean).ToList();
        var best = scores.MaxBy(s => s.Mean)!;

        bool holds;
        string reason;
        if (target.Name == "gpt2-small")
        {
            var missing = PublishedHeads.Where(p => scores.Single(s => s.Layer == p.Layer && s.Head == p.Head).Mean < Threshold).ToList();
            holds = missing.Count == 0;
            reason = holds
                ? $"all five published heads score ≥ {Threshold}; {induction.Count} heads in all: {Names(induction)}"
                : $"published heads below {Threshold}: {string.Join(", ", missing.Select(m => $"{m.Layer}.{m.Head}"))}";
        }
        else
        {
            holds = induction.Count > 0;
            reason = holds
                ? $"{induction.Count} induction head(s) ≥ {Threshold}: {Names(induction)}"
                : $"no head after layer 0 reaches {Threshold}; the best is {best.Label} at {best.Mean:F3}";
        }

        var measured = scores.Select(s => new MeasuredNumber($"{s.Label} induction score", s.Mean, 1e-3, s.StandardError)).ToList();
        measured.Insert(0, new MeasuredNumber("induction heads (count)", induction.Count, 0));
        return new ClaimOutcome
        {
            Verdict = holds ? Verdict.Holds : Verdict.Fails,
            Reason = reason,
            Protocol = protocol.Describe() + "; score = mean of pattern[q, q−24] for q = 24..50, averaged over the batch (± s.e.)",
            Measured = measured,
            Figures = new Figure[]
            {
                Plots.LayerHeadHeatmap($"Induction score per head ({target.Name})", $"threshold {Threshold}; mean over {batch} sequences", model.Config.NLayers, model.Config.NHeads,
                    (l, h) => scores.Single(s => s.Layer == l && s.Head == h).Mean, 0, 1),
            }.Concat(induction.Take(2).Select(s => Plots.AttentionPattern(model, RepeatedRandomTokens.Generate(protocol with { Batch = 1 }), s.Layer, s.Head,
                $"Attention pattern of {s.Label} on one repeated sequence")))
              .Concat(TrainingCurve.TryRead(target.Directory)?.Figures(target.Name) ?? Array.Empty<Figure>()).ToList(),
        };
    }

    private static string Names(IEnumerable<HeadStatistic> heads) => string.Join(", ", heads.Select(h => $"{h.Label} ({h.Mean:F2})"));
}
