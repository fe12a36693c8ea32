using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>G1: on repeated random tokens, some heads are induction heads (diagonal score ≥ 0.4); the list 5.1, 5.5, 6.9, 7.2, 7.10 for GPT-2 small is from other published work.</summary>
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
            new PublishedNumber("threshold", Threshold, "the document's detector: score ≥ 0.4, batch 1, N = 25"),
        },
        Rule = $"Score and threshold ≥ {Threshold} are the document's (attn_pattern.diagonal(−N+1).mean(), N = 25). Every head ≥ {Threshold} under the " +
               "document's protocol (batch 1, one sequence) is reported; the judged score is the mean over a batch of such sequences (ours, for a stable " +
               "verdict). Any model: at least one head after layer 0 scores ≥ 0.4 (an induction head exists; \"after layer 0\" is ours). gpt2-small also: " +
               "5.1, 5.5, 6.9, 7.2 and 7.10 each score ≥ 0.4; that list is not in the document but from other published work on GPT-2 small.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        int n = 25, batch = context.Pick(ci: 32, full: 256);
        var protocol = RepeatedRandomTokens.DefaultFor(model, batch, n, context.Seed);
        var scores = InductionStripe.Scores(model, RepeatedRandomTokens.Generate(protocol), n);
        var induction = scores.Where(s => s.Layer > 0 && s.Mean >= Threshold).OrderByDescending(s => s.Mean).ToList();
        var best = scores.MaxBy(s => s.Mean)!;

        var single = InductionStripe.Scores(model, RepeatedRandomTokens.Generate(protocol with { Batch = 1 }), n);
        var singleHeads = single.Where(s => s.Mean >= Threshold).OrderByDescending(s => s.Mean).ToList();
        var checks = new List<ClaimCheck>
        {
            new("an induction head exists after layer 0", induction.Count > 0,
                induction.Count > 0 ? $"{induction.Count}: {Names(induction)}" : $"none; best {best.Label} {best.Mean:F3}", $"≥ 1 head with score ≥ {Threshold}", CheckOwner.Document),
        };
        if (target.Name == "gpt2-small")
            foreach (var p in PublishedHeads)
            {
                var sc = scores.Single(x => x.Layer == p.Layer && x.Head == p.Head);
                checks.Add(new ClaimCheck($"{p.Layer}.{p.Head} is an induction head", sc.Mean >= Threshold, $"{sc.Mean:F3} ± {sc.StandardError:F3}",
                    $"≥ {Threshold} (head list: other published work; threshold: document)", CheckOwner.OtherPublished));
            }
        var verdict = ClaimOutcome.Judge(checks);
        string reason = (verdict == Verdict.Holds ? $"{induction.Count} induction head(s) ≥ {Threshold} after layer 0: {Names(induction)}" : ClaimOutcome.FailedText(checks)) +
                        $". Heads ≥ {Threshold} under the document's protocol (batch 1): {(singleHeads.Count > 0 ? Names(singleHeads) : "none")}";

        var measured = scores.Select(s => new MeasuredNumber($"{s.Label} induction score", s.Mean, 1e-3, s.StandardError)).ToList();
        measured.Insert(0, new MeasuredNumber("induction heads (count)", induction.Count, 0));
        measured.Insert(1, new MeasuredNumber("heads ≥ 0.4 at batch 1 (count)", singleHeads.Count, 0));
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = reason,
            Checks = checks,
            Protocol = protocol.Describe() + "; score = mean of pattern[q, q−24] for q = 24..50, averaged over the batch (± s.e.); batch-1 list from the first sequence alone (the document's protocol)",
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
