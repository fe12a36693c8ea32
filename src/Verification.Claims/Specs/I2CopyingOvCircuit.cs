using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>I2: the induction head's full OV circuit copies: for most tokens the logit it adds most is the token's own.</summary>
public sealed class I2CopyingOvCircuit : DecoderClaimSpec
{
    private const ulong SeedOffset = 0x1200;
    public const int AllRowsUpTo = 5000;
    public const double PublishedTop5 = 0.5;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "I2",
        Title = "Copying OV circuit",
        Source = "[004] Induction heads illustrated: the circuit",
        Statement = "The induction head's full OV circuit W_E·W_V·W_O·W_U copies: attending to a token raises that token's own logit most " +
                    "(top-1 / top-5 copying accuracy over source tokens).",
        PublishedModel = "attn-only-2l",
        Rule = "[004] names no model and gives no numbers: the measure and both thresholds are ours (\"most tokens\" read as top-5 > 0.5). " +
               $"Copying accuracy = fraction of source tokens whose own logit is the top-1 / in the top-5 of their row, ranked over the full vocabulary " +
               $"(every token but BOS as source for vocabularies up to {AllRowsUpTo}, else a seeded sample). attn-only-2l (L1H6): top-5 > {PublishedTop5} " +
               $"(our threshold). Other models (the detected induction head): top-5 > {DiagonalRule.GenericWords}. " +
               "The other heads of the induction head's layer are reported as a baseline, and the positive eigenvalue share Σλ/Σ|λ| of the " +
               "circuit beside it (reported, not judged).",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        var heads = CompositionHeads.For(target, context);
        var ind = heads.Induction;
        int v = model.Config.DVocab;
        var rows = DiagonalRanks.RowsToScore(v, model.BosTokenId, AllRowsUpTo, context.Pick(ci: 2000, full: 10000), context.Seed + SeedOffset);
        var thin = DiagonalRule.Thin(rows);
        double positive = 0;
        var perHead = Enumerable.Range(0, model.Config.NHeads).Select(h =>
        {
            var (l, r, rank) = FullCircuits.OV(model.Weights, new HeadRef(ind.Layer, h));
            if (h != ind.Head) return DiagonalRanks.Summarize(DiagonalRanks.Of(l, r, v, rank, thin), v);
            positive = Eigenvalues.PositiveShare(Eigenvalues.Of(FullCircuits.EigenCore(l, r, v, rank), rank));
            return DiagonalRanks.Summarize(DiagonalRanks.Of(l, r, v, rank, rows), v);
        }).ToArray();
        var acc = perHead[ind.Head];

        bool published = target.Name == "attn-only-2l";
        double threshold = published ? PublishedTop5 : DiagonalRule.GenericThreshold(acc);
        var checks = new List<ClaimCheck>
        {
            new($"{ind}'s full OV circuit copies", acc.Top5Fraction > threshold, $"top-5 {acc.Top5Fraction:P2}, top-1 {acc.Top1Fraction:P2}", $"top-5 > {threshold:P2}", CheckOwner.Ours),
        };
        bool holds = checks[0].Passed;
        var others = perHead.Where((_, h) => h != ind.Head).ToArray();
        string reason = $"{ind}: {DiagonalRule.Describe(acc)}; top-5 {(holds ? ">" : "≤")} {threshold:P2} ({(published ? "our threshold for attn-only-2l" : "our threshold: " + DiagonalRule.GenericWords)}). " +
                        $"Other layer-{ind.Layer} heads: top-5 {others.Min(a => a.Top5Fraction):P1}–{others.Max(a => a.Top5Fraction):P1}. " +
                        $"Positive eigenvalue share Σλ/Σ|λ| of {ind}'s full OV circuit: {positive:F3} (1 = pure copying)";

        var measured = DiagonalRule.Numbers($"{ind} OV", acc).ToList();
        measured.Add(new MeasuredNumber($"{ind} OV positive eigenvalue share", positive, 1e-4, Note: "Σλ/Σ|λ| over the circuit's nonzero eigenvalues"));
        measured.AddRange(perHead.Select((a, h) => (a, h)).Where(x => x.h != ind.Head)
            .Select(x => new MeasuredNumber($"L{ind.Layer}H{x.h} OV top-5 accuracy", x.a.Top5Fraction, 1e-3)));
        var labels = Enumerable.Range(0, perHead.Length).Select(h => new HeadRef(ind.Layer, h).Label).ToArray();
        return new ClaimOutcome
        {
            Verdict = ClaimOutcome.Judge(checks),
            Checks = checks,
            Reason = reason,
            Protocol = $"heads: {heads.How}; full OV circuit W_E·W_V[h]·W_O[h]·W_U of every layer-{ind.Layer} head on the processed weights " +
                       $"(positional embeddings, biases and LayerNorm scales left out: a scale only rescales a row); rows: {rows.Count} source tokens " +
                       $"({(rows.Count == v - 1 ? "all but BOS" : $"seeded sample, xoshiro256** seed {context.Seed + SeedOffset}")}; the other heads on every " +
                       $"{(rows.Count + DiagonalRule.ComparisonRows - 1) / DiagonalRule.ComparisonRows}-th of them, {thin.Count} rows); each row ranked over all {v} tokens; eigenvalues of the d_head × d_head matrix (W_O W_U)(W_E W_V), which has the " +
                       "full circuit's nonzero eigenvalues (Hessenberg + Francis QR, double)",
            Measured = measured,
            Figures = new Figure[]
            {
                new BarChartFigure($"OV-circuit copying, top-5 accuracy per layer-{ind.Layer} head ({target.Name})", $"induction head {ind}; chance {acc.ChanceTop5:P2}",
                    labels, perHead.Select(a => a.Top5Fraction).ToArray(), "top-5 accuracy"),
                new BarChartFigure($"OV-circuit copying, top-1 accuracy per layer-{ind.Layer} head ({target.Name})", $"induction head {ind}; chance {acc.ChanceTop1:P3}",
                    labels, perHead.Select(a => a.Top1Fraction).ToArray(), "top-1 accuracy"),
            },
        };
    }
}
