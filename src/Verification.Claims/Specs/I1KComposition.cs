using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>I1: the induction head's keys read what the previous-token head wrote: their K-composition score is the largest into the induction head.</summary>
public sealed class I1KComposition : DecoderClaimSpec
{
    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "I1",
        Title = "K-composition",
        Source = "[004] Induction heads illustrated: the circuit",
        Statement = "The induction head's keys are made from the previous-token head's output: the K-composition score of " +
                    "(previous-token head → induction head) is the largest of all earlier heads' K-composition scores into the induction head.",
        PublishedModel = "attn-only-2l",
        Rule = "[004] names no model and gives no numbers: the measure and the rule below are ours. Composition scores as TransformerLens's all_composition_scores (‖W_OV^src · W_K^dst W_Q^dstᵀ‖_F / (‖W_OV^src‖_F ‖W_QK^dst‖_F), " +
               "processed weights). The maximum is over every head in the layers before the induction head (layer 0 in a two-layer model) into " +
               "the induction head alone: the claim is about where that head's keys come from, and scores into other heads measure other " +
               "heads' inputs (their norms and roles differ), so they are reported, not compared. Holds when the previous-token head has the " +
               "largest K-composition score. attn-only-2l: L0H3 → L1H6; other models: the detected heads.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        var heads = CompositionHeads.For(target, context);
        var ind = heads.Induction;
        int nHeads = model.Config.NHeads;
        var sources = Enumerable.Range(0, ind.Layer).SelectMany(l => Enumerable.Range(0, nHeads).Select(h => new HeadRef(l, h))).ToList();
        var matrices = new[] { CompositionKind.Q, CompositionKind.K, CompositionKind.V }
            .ToDictionary(k => k, k => CompositionScores.Matrix(model.Weights, sources, ind.Layer, nHeads, k));
        var k = matrices[CompositionKind.K];
        var intoInduction = sources.Select((s, i) => (Head: s, Score: k[i, ind.Head])).ToList();
        var best = intoInduction.MaxBy(x => x.Score);
        int prevIndex = sources.IndexOf(heads.PreviousToken);
        double prevScore = k[prevIndex, ind.Head];
        var runnerUp = intoInduction.Where(x => x.Head != heads.PreviousToken).MaxBy(x => x.Score);
        int rank = intoInduction.Count(x => x.Score > prevScore) + 1;
        var overall = Enumerable.Range(0, sources.Count).SelectMany(i => Enumerable.Range(0, nHeads).Select(h => (Src: sources[i], Dst: h, Score: k[i, h]))).MaxBy(x => x.Score);

        var checks = new List<ClaimCheck>
        {
            new($"{heads.PreviousToken} has the largest K-composition into {ind}", best.Head == heads.PreviousToken,
                $"{prevScore:F4}, rank {rank} of {sources.Count}; largest other {runnerUp.Head} {runnerUp.Score:F4}", "rank 1", CheckOwner.Ours),
        };
        string reason = $"K-composition {heads.PreviousToken} → {ind} = {prevScore:F4}, rank {rank} of {sources.Count} sources into {ind}; " +
                        $"the largest other is {runnerUp.Head} at {runnerUp.Score:F4}. (Largest over all pairs into layer {ind.Layer}: " +
                        $"{overall.Src} → L{ind.Layer}H{overall.Dst} at {overall.Score:F4}; Q-composition of the pair {matrices[CompositionKind.Q][prevIndex, ind.Head]:F4}, " +
                        $"V-composition {matrices[CompositionKind.V][prevIndex, ind.Head]:F4}.)";

        var measured = new List<MeasuredNumber>
        {
            new($"K-composition {heads.PreviousToken}→{ind}", prevScore, 1e-4),
            new($"Q-composition {heads.PreviousToken}→{ind}", matrices[CompositionKind.Q][prevIndex, ind.Head], 1e-4),
            new($"V-composition {heads.PreviousToken}→{ind}", matrices[CompositionKind.V][prevIndex, ind.Head], 1e-4),
            new("rank of the previous-token head's K-composition into the induction head", rank, 0),
        };
        measured.AddRange(intoInduction.Where(x => x.Head != heads.PreviousToken).Select(x => new MeasuredNumber($"K-composition {x.Head}→{ind}", x.Score, 1e-4)));
        var rowLabels = sources.Select(s => s.Label).ToArray();
        var columnLabels = Enumerable.Range(0, nHeads).Select(h => new HeadRef(ind.Layer, h).Label).ToArray();
        return new ClaimOutcome
        {
            Verdict = ClaimOutcome.Judge(checks),
            Checks = checks,
            Reason = reason,
            Protocol = $"heads: {heads.How}; composition scores from the weights (no inputs, no randomness beyond head detection), " +
                       "TransformerLens's formulas: left = W_V·W_O of the earlier head, right = W_Q·W_Kᵀ (Q), its transpose (K) or W_V·W_O (V); " +
                       "score = ‖left·right‖_F / (‖left‖_F‖right‖_F), computed in factored form in double",
            Measured = measured,
            Figures = matrices.Select(kv => (Figure)new HeatmapFigure($"{kv.Key}-composition scores ({target.Name})",
                $"earlier heads (rows) into layer {ind.Layer} heads (columns); induction head {ind}, previous-token head {heads.PreviousToken}",
                rowLabels, columnLabels, Rows(kv.Value, sources.Count, nHeads), 0, null)).ToList(),
        };
    }

    private static double[][] Rows(double[,] m, int rows, int cols) =>
        Enumerable.Range(0, rows).Select(i => Enumerable.Range(0, cols).Select(j => m[i, j]).ToArray()).ToArray();
}
