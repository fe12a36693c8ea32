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
               "the document shows the patterns and does not quantify \"how much\"). Heads: on gpt2-small 5.1, 5.5, 6.9, 7.2, 7.10 (from other published " +
               $"work, not the document); elsewhere the heads after layer 0 scoring ≥ {G1InductionMap.Threshold} on repeated random tokens (G1's, the " +
               "document's threshold), else the detected induction head. Text: on gpt2-small the document's Pile-10k subset (not run while the dataset is " +
               "absent); elsewhere held-out English windows with no repeated token.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        if (target.Name == "gpt2-small") return ClaimOutcome.NotRun(SinkHeads.DatasetAbsent);
        var model = target.Model;
        var heads = SinkHeads.For(target, context);
        var (tokens, protocol) = SinkHeads.Windows(model, context);
        var perWindow = Enumerable.Range(0, tokens.Batch).Select(b => AttentionSink.MeanAttentionToFirstPosition(model, tokens.Slice(b, 1))).ToList();
        double Mean(int l, int h) => perWindow.Average(w => w[l, h]);
        double Se(int l, int h) => Statistics.StandardError(perWindow.Select(w => w[l, h]).ToList());

        var checks = heads.Heads.Select(h => new ClaimCheck($"{h} attends mostly to BOS", Mean(h.Layer, h.Head) > Most,
            $"{Mean(h.Layer, h.Head):F3} ± {Se(h.Layer, h.Head):F3}", $"> {Most}", CheckOwner.Ours)).ToList();
        var low = checks.Count(c => !c.Passed);
        string each = string.Join(", ", heads.Heads.Select(h => $"{h} {Mean(h.Layer, h.Head):F3} ± {Se(h.Layer, h.Head):F3}"));
        int layers = model.Config.NLayers, nHeads = model.Config.NHeads;
        var all = Enumerable.Range(0, layers).SelectMany(l => Enumerable.Range(0, nHeads).Select(h => new HeadRef(l, h))).ToList();
        var verdict = ClaimOutcome.Judge(checks);
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = (verdict == Verdict.Holds ? $"every induction head attends > {Most} to BOS" : ClaimOutcome.FailedText(checks)) +
                     $" (mean attention to BOS: {each}). Heads: {heads.Source}",
            Checks = checks,
            Protocol = protocol + "; attention to position 0 averaged over queries 1..T−1, then over windows (± s.e. over windows)",
            Measured = all.Select(h => new MeasuredNumber($"{h} attention to BOS", Mean(h.Layer, h.Head), 1e-4, Se(h.Layer, h.Head)))
                .Prepend(new MeasuredNumber("induction heads attending mostly to BOS (count)", heads.Heads.Count - low, 0)).ToList(),
            Figures = new Figure[]
            {
                new BarChartFigure($"Attention to BOS of the induction heads on natural text ({target.Name})", $"threshold {Most}; {tokens.Batch} windows",
                    heads.Heads.Select(h => h.Label).ToArray(), heads.Heads.Select(h => Mean(h.Layer, h.Head)).ToArray(), "attention to BOS"),
                Plots.LayerHeadHeatmap($"Attention to BOS per head on natural text ({target.Name})", "mean over query positions and windows", layers, nHeads, Mean, 0, 1),
            },
        };
    }
}
