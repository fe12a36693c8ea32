using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>I3: the induction head's QK circuit, reading keys through the previous-token head, matches a token to the position after its earlier copy.</summary>
public sealed class I3MatchingQkCircuit : DecoderClaimSpec
{
    private const ulong SeedOffset = 0x1300;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "I3",
        Title = "Matching QK circuit",
        Source = "[004] Induction heads illustrated: the circuit",
        Statement = "The induction head's QK circuit with keys read through the previous-token head's OV, (Ê W_Q^ind)(Ê W_V^prev W_O^prev W_K^ind)ᵀ, " +
                    "scores highest, for a query on token t, the key whose previous token is t: the position after t's earlier copy.",
        PublishedModel = "attn-only-2l",
        Rule = "[004] names no model and gives no numbers: the measure and threshold are ours. " +
               $"For each query token t (every token but BOS up to {I2CopyingOvCircuit.AllRowsUpTo} tokens, else a seeded sample), the rank of the " +
               $"key token t among all keys. Holds when the top-5 accuracy exceeds {DiagonalRule.GenericWords}, on every model (the " +
               "document gives no value). The key-side direction (for each key, the best query) and the same circuit through the other heads " +
               "of the previous-token head's layer are reported as comparisons.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        var heads = CompositionHeads.For(target, context);
        var (ind, prev) = (heads.Induction, heads.PreviousToken);
        int v = model.Config.DVocab;
        var rows = DiagonalRanks.RowsToScore(v, model.BosTokenId, I2CopyingOvCircuit.AllRowsUpTo, context.Pick(ci: 2000, full: 10000), context.Seed + SeedOffset);
        var thin = DiagonalRule.Thin(rows);
        DiagonalAccuracy? keySide = null;
        double positive = 0;
        var through = Enumerable.Range(0, model.Config.NHeads).Select(h =>
        {
            var (q, k, rank) = FullCircuits.QKThroughPreviousToken(model.Weights, new HeadRef(prev.Layer, h), ind);
            if (h != prev.Head) return DiagonalRanks.Summarize(DiagonalRanks.Of(q, k, v, rank, thin), v);
            keySide = DiagonalRanks.Summarize(DiagonalRanks.Of(k, q, v, rank, rows), v);
            positive = Eigenvalues.PositiveShare(Eigenvalues.Of(FullCircuits.EigenCore(q, k, v, rank), rank));
            return DiagonalRanks.Summarize(DiagonalRanks.Of(q, k, v, rank, rows), v);
        }).ToArray();
        var acc = through[prev.Head];

        double threshold = DiagonalRule.GenericThreshold(acc);
        var checks = new List<ClaimCheck>
        {
            new($"QK through {prev} into {ind} matches a token to the position after its copy", acc.Top5Fraction > threshold,
                $"top-5 {acc.Top5Fraction:P2}, top-1 {acc.Top1Fraction:P2}", $"top-5 > {threshold:P2}", CheckOwner.Ours),
        };
        bool holds = checks[0].Passed;
        var others = through.Where((_, h) => h != prev.Head).ToArray();
        string reason = $"queries on t, keys after t via {prev} into {ind}: {DiagonalRule.Describe(acc)}; top-5 {(holds ? ">" : "≤")} {threshold:P2} " +
                        $"(our threshold: {DiagonalRule.GenericWords}). Key side: top-1 {keySide!.Top1Fraction:P1}, top-5 {keySide.Top5Fraction:P1}. " +
                        $"Through the other layer-{prev.Layer} heads: top-5 {others.Min(a => a.Top5Fraction):P1}–{others.Max(a => a.Top5Fraction):P1}. " +
                        $"Positive eigenvalue share Σλ/Σ|λ| of the circuit: {positive:F3}";

        var measured = DiagonalRule.Numbers($"QK {prev}→{ind} query side", acc).ToList();
        measured.Add(new MeasuredNumber($"QK {prev}→{ind} positive eigenvalue share", positive, 1e-4, Note: "Σλ/Σ|λ| over the circuit's nonzero eigenvalues"));
        measured.AddRange(DiagonalRule.Numbers($"QK {prev}→{ind} key side", keySide!));
        measured.AddRange(through.Select((a, h) => (a, h)).Where(x => x.h != prev.Head)
            .Select(x => new MeasuredNumber($"QK through L{prev.Layer}H{x.h} top-5 accuracy", x.a.Top5Fraction, 1e-3)));
        return new ClaimOutcome
        {
            Verdict = ClaimOutcome.Judge(checks),
            Checks = checks,
            Reason = reason,
            Protocol = $"heads: {heads.How}; Ê = W_E with each row centred and scaled to unit RMS (LayerNorm of a token embedding without its position); " +
                       "the induction head's LayerNorm scale on the key taken as one constant; positions, biases, MLPs and the key token's own embedding left out; " +
                       $"processed weights; {rows.Count} query tokens ({(rows.Count == v - 1 ? "all but BOS" : $"seeded sample, xoshiro256** seed {context.Seed + SeedOffset}")}), " +
                       $"each ranked over all {v} key tokens; key side = for each key token, the rank of its own query among all queries; the other heads " +
                       $"on {thin.Count} of the query tokens (every {(rows.Count + DiagonalRule.ComparisonRows - 1) / DiagonalRule.ComparisonRows}-th)",
            Measured = measured,
            Figures = new Figure[]
            {
                new BarChartFigure($"QK circuit of {ind} through each layer-{prev.Layer} head: top-5 matching accuracy ({target.Name})",
                    $"previous-token head {prev}; chance {acc.ChanceTop5:P2}",
                    Enumerable.Range(0, through.Length).Select(h => new HeadRef(prev.Layer, h).Label).ToArray(), through.Select(a => a.Top5Fraction).ToArray(), "top-5 accuracy"),
            },
        };
    }
}
