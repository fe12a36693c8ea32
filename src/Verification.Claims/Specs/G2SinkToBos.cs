using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>G2: on natural text without repeats, the induction heads put most of their attention on BOS (an attention sink).</summary>
public sealed class G2SinkToBos : DecoderClaimSpec
{
    public const double Most = 0.5;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "G2",
        Title = "Sink to BOS",
        Source = "[000] GPT-2 small: induction heads, and where they look when their input is absent",
        Statement = "On natural text where their input (a repeat) is absent, the induction heads attend mostly to the first token (BOS): they are dormant, using BOS as a sink.",
        PublishedModel = "gpt2-small",
        Published = new[] { new PublishedNumber("text tokens", 128, "batch 1; qualitative (attention-pattern figures)") },
        Rule = $"Every induction head's attention to position 0, averaged over query positions 1..T−1 and the windows, is > {Most} (our threshold: " +
               "the document shows the patterns and does not quantify \"how much\"). Heads: the document's are those G1's detector finds (score ≥ " +
               $"{G1InductionMap.Threshold}, the document's threshold): on gpt2-small 5.1, 5.5, 6.9, 7.2, 7.10 (from other published work, not the " +
               "document), each checked to score ≥ 0.4; elsewhere every head after layer 0 scoring ≥ 0.4, and the claim fails when there is none. Text: on " +
               "gpt2-small the document's, Pile-10k (NeelNanda/pile-10k, pulled with `verification datasets pull NeelNanda/pile-10k`; not run while it " +
               "is absent): the first documents with ≥ 127 tokens, BOS + 127 tokens each; elsewhere held-out English windows with no repeated token.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        if (SinkHeads.Windows(target, context, out var notRun) is not { } text) return ClaimOutcome.NotRun(notRun);
        var heads = SinkHeads.For(target, context);
        var tokens = text.Tokens;
        var perWindow = Enumerable.Range(0, tokens.Batch).Select(b => AttentionSink.MeanAttentionToFirstPosition(model, tokens.Slice(b, 1))).ToList();
        double Mean(int l, int h) => perWindow.Average(w => w[l, h]);
        double Se(int l, int h) => Statistics.StandardError(perWindow.Select(w => w[l, h]).ToList());

        var sinks = heads.Heads.Select(h => new ClaimCheck($"{h} attends mostly to BOS", Mean(h.Layer, h.Head) > Most,
            $"{Mean(h.Layer, h.Head):F3} ± {Se(h.Layer, h.Head):F3}", $"> {Most}", CheckOwner.Ours)).ToList();
        var checks = heads.Checks.Concat(sinks).ToList();
        string each = heads.Heads.Count == 0 ? "no induction head to measure"
            : "mean attention to BOS: " + string.Join(", ", heads.Heads.Select(h => $"{h} {Mean(h.Layer, h.Head):F3} ± {Se(h.Layer, h.Head):F3}"));
        int layers = model.Config.NLayers, nHeads = model.Config.NHeads;
        var all = Enumerable.Range(0, layers).SelectMany(l => Enumerable.Range(0, nHeads).Select(h => new HeadRef(l, h))).ToList();
        var verdict = ClaimOutcome.Judge(checks);
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = (verdict == Verdict.Holds ? $"every induction head attends > {Most} to BOS" : ClaimOutcome.FailedText(checks)) +
                     $" ({each}). Heads: {heads.Source}",
            Checks = checks,
            Protocol = text.Protocol + "; attention to position 0 averaged over queries 1..T−1, then over windows (± s.e. over windows)",
            Measured = all.Select(h => new MeasuredNumber($"{h} attention to BOS", Mean(h.Layer, h.Head), 1e-4, Se(h.Layer, h.Head)))
                .Prepend(new MeasuredNumber("induction heads attending mostly to BOS (count)", sinks.Count(c => c.Passed), 0)).ToList(),
            Figures = new Figure[]
            {
                new BarChartFigure($"Attention to BOS of the induction heads on natural text ({target.Name})", $"threshold {Most}; {tokens.Batch} windows",
                    heads.Heads.Select(h => h.Label).ToArray(), heads.Heads.Select(h => Mean(h.Layer, h.Head)).ToArray(), "attention to BOS"),
                Plots.LayerHeadHeatmap($"Attention to BOS per head on natural text ({target.Name})", "mean over query positions and windows", layers, nHeads, Mean, 0, 1),
            },
        };
    }
}
