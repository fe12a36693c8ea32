using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>A7: patching each head from the A6 sequence into its corrupted copy: the induction head matters at every length, the layer-0 helpers shift with length.</summary>
public sealed class A7PatchingByLength : DecoderClaimSpec
{
    public const double High = 0.5, Matters = 0.1;
    public static readonly int[] Lengths = { 2, 3, 4, 5 };

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "A7",
        Title = "Patching per head and length",
        Source = "[001] attn-only-2l: induction circuits for longer sequences",
        Statement = "Patching each head's output from the A6 sequence (answer B) into the same sequence with the last A replaced by C (answer D): " +
                    "the induction head restores much of the logit diff at every length 2-5; at length 3 the previous-token and look-back-two heads " +
                    "both matter; at lengths 4 and 5 the look-back-two head matters most in layer 0.",
        PublishedModel = "attn-only-2l",
        Rule = $"Normalised patching effect (0 = corrupted, 1 = clean, of the mean logit diff B − D): induction head ≥ {High} at every length 2-5; " +
               $"at length 3 the previous-token and look-back-two heads each ≥ {Matters}; at lengths 4 and 5 the look-back-two head is the top layer-0 head. " +
               $"The orderings are the document's; the levels {High} (\"high\") and {Matters} (\"matters\") are our thresholds. " +
               "Heads: L1H6, L0H3, L0H0 on attn-only-2l, else the roles HeadRoles detects.",
    };

    /// <summary>CI and full batch sizes of the per-length patching (shared with A1, which reads the same maps).</summary>
    public static int Batch(ClaimRunContext context) => context.Pick(ci: 32, full: 1000);

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        var heads = CircuitHeads.For(target, context);
        int batch = Batch(context);
        var maps = SharedRuns.LengthPatching(model, context, Lengths, batch);

        var checks = new List<ClaimCheck>();
        foreach (var l in Lengths)
            checks.Add(new($"length {l}: induction head {heads.Induction} is high", maps[l].Head(heads.Induction) >= High, $"{maps[l].Head(heads.Induction):F2}", $"≥ {High}", CheckOwner.Ours));
        checks.Add(new($"length 3: previous-token head {heads.PreviousToken} matters", maps[3].Head(heads.PreviousToken) >= Matters, $"{maps[3].Head(heads.PreviousToken):F2}", $"≥ {Matters}", CheckOwner.Ours));
        checks.Add(new($"length 3: look-back-two head {heads.LookBackTwo} matters", maps[3].Head(heads.LookBackTwo) >= Matters, $"{maps[3].Head(heads.LookBackTwo):F2}", $"≥ {Matters}", CheckOwner.Ours));
        foreach (var l in new[] { 4, 5 })
        {
            var top = maps[l].TopHeadInLayer(0);
            checks.Add(new($"length {l}: look-back-two head {heads.LookBackTwo} matters most in layer 0", top == heads.LookBackTwo,
                $"top {top} {maps[l].Head(top):F2}; {heads.LookBackTwo} {maps[l].Head(heads.LookBackTwo):F2}", $"{heads.LookBackTwo} top in layer 0", CheckOwner.Document));
        }
        var verdict = ClaimOutcome.Judge(checks);
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = ClaimOutcome.FailedText(checks) + $". {heads.Source}",
            Checks = checks,
            Protocol = Describe(model, context, batch),
            Measured = Numbers(maps),
            Figures = Heatmaps(target, maps, batch).Append(PositionMap(target, model, context, batch)).ToList(),
        };
    }

    // The residual stream by position at length 3 (cheap: 3·1 + 6 positions), where the document says both layer-0 helpers matter.
    private static Figure PositionMap(ModelTarget target, Verification.Lens.HookedTransformer model, ClaimRunContext context, int batch)
    {
        var task = SharedRuns.LengthTask(model, context, 3, batch);
        var map = ActivationPatching.Run(model, task, heads: false, positions: true).Positions!;
        int t = task.Clean.Length;
        return new HeatmapFigure($"Patching blocks.L.hook_resid_pre by position, length 3 ({target.Name})",
            "0 = corrupted, 1 = clean; positions BOS [A] X [B] [C] X [D] [A] X",
            Enumerable.Range(0, map.GetLength(0)).Select(l => $"layer {l}").ToArray(), Enumerable.Range(0, t).Select(p => p.ToString()).ToArray(),
            Enumerable.Range(0, map.GetLength(0)).Select(l => Enumerable.Range(0, t).Select(p => map[l, p]).ToArray()).ToArray(), 0, 1);
    }

    internal static string Describe(Verification.Lens.HookedTransformer model, ClaimRunContext context, int batch) =>
        $"per length L = 2..5: {batch} clean sequences as A6 (seed {context.Seed} + {SharedRuns.LengthSeed} + L, {TokenPool.For(model).Describe()}), " +
        "corrupted = last A replaced by C; per head one corrupted forward over the batch with that head's hook_z patched from the clean run; " +
        "effect = (patched − corrupted) / (clean − corrupted) of the mean last-position logit diff B − D";

    internal static IReadOnlyList<MeasuredNumber> Numbers(IReadOnlyDictionary<int, PatchingMaps> maps) =>
        maps.OrderBy(m => m.Key).SelectMany(m =>
        {
            double tol = SharedRuns.PatchingTolerance(m.Value);
            var list = new List<MeasuredNumber>
            {
                new($"length {m.Key} clean logit diff", m.Value.CleanLogitDiff, 1e-3),
                new($"length {m.Key} corrupted logit diff", m.Value.CorruptedLogitDiff, 1e-3),
            };
            for (int l = 0; l < m.Value.Heads.GetLength(0); l++)
                for (int h = 0; h < m.Value.Heads.GetLength(1); h++)
                    list.Add(new($"length {m.Key} L{l}H{h} patching", m.Value.Heads[l, h], tol));
            return list;
        }).ToList();

    internal static IReadOnlyList<Figure> Heatmaps(ModelTarget target, IReadOnlyDictionary<int, PatchingMaps> maps, int batch) =>
        maps.OrderBy(m => m.Key).Select(m => (Figure)Plots.LayerHeadHeatmap($"Patching per head, length {m.Key} ({target.Name})",
            $"0 = corrupted, 1 = clean; clean logit diff {m.Value.CleanLogitDiff:F2}, corrupted {m.Value.CorruptedLogitDiff:F2}; {batch} sequences",
            m.Value.Heads.GetLength(0), m.Value.Heads.GetLength(1), (l, h) => m.Value.Heads[l, h], 0, 1)).ToList();
}
