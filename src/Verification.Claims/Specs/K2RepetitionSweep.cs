using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>K2: more repetitions → fewer induction heads detected; longer repeated sequences → more.</summary>
public sealed class K2RepetitionSweep : ChronosSpec
{
    public static readonly int[] Values = { 2, 4, 6, 8, 10 };

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "K2",
        Title = "Repetitions and lengths",
        Source = "[003] Chronos: induction heads in a time-series model",
        Statement = "Sweeping the RRT repetitions and sequence lengths over {2, 4, 6, 8, 10}: more repetitions detect fewer induction heads, longer sequences more.",
        PublishedModel = "chronos-t5-{tiny,mini,small,base,large}",
        Rule = "K1's detection rule (every encoder, decoder and cross-attention head; threshold 0.3; ids 1910-2187) on every repetitions × length " +
               "cell of {2, 4, 6, 8, 10}² (the document's grid), counting the induction heads per cell. Holds when: some cell has an induction head " +
               "(the premise); the count falls with repetitions, read as Kendall's τ between repetitions and count over the pairs of cells of the same " +
               "length being below 0; and it rises with length, τ between length and count over the pairs of the same repetitions above 0 (the " +
               "directions are the document's; τ over pairs, ties counting 0, is ours). At length 2 the token after the latest copy is the query's " +
               "previous position, so a previous-token head passes the document's test there: that column counts them too, as the document's " +
               "definition does. Batch 16 per cell in CI, 100 in full.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.EncoderDecoder;
        int batch = context.Pick(ci: 16, full: 100);
        var cells = new Dictionary<(int Reps, int Length), IReadOnlyList<ChronosHeadScore>>();
        ChronosRrtProtocol? any = null;
        foreach (int reps in Values)
            foreach (int length in Values)
            {
                var p = ChronosRrtProtocol.For(model.Config, length, reps, batch, context.Seed + (ulong)(100 * reps + length));
                any ??= p;
                cells[(reps, length)] = ChronosRuns.Scores(model, p);
            }
        int Count(int r, int l) => cells[(r, l)].Count(s => s.IsInduction);
        var counts = Values.Select(r => Values.Select(l => (double)Count(r, l)).ToArray()).ToArray();
        double tauReps = PooledTau(Values.Select(l => Values.Select(r => ((double)r, (double)Count(r, l))).ToArray()));
        double tauLength = PooledTau(Values.Select(r => Values.Select(l => ((double)l, (double)Count(r, l))).ToArray()));
        int total = cells.Values.Sum(c => c.Count(s => s.IsInduction));
        var strongest = cells.SelectMany(kv => kv.Value.Select(s => (Cell: kv.Key, Score: s))).MaxBy(x => x.Score.Score);

        var checks = new List<ClaimCheck>
        {
            new("induction heads detected in the sweep", total > 0,
                total > 0 ? $"{cells.Count(kv => kv.Value.Any(s => s.IsInduction))} of {cells.Count} cells have some"
                          : $"none in any cell; best {strongest.Score.Label} {strongest.Score.Score:F3} (repetitions {strongest.Cell.Reps}, length {strongest.Cell.Length})",
                "≥ 1 cell with an induction head", CheckOwner.Document),
            new("induction-head count falls with repetitions", tauReps < 0, $"τ = {tauReps:F3}", "τ(repetitions, count) within each length < 0 [direction: document; τ: ours]", CheckOwner.Ours),
            new("induction-head count rises with length", tauLength > 0, $"τ = {tauLength:F3}", "τ(length, count) within each repetitions > 0 [direction: document; τ: ours]", CheckOwner.Ours),
        };
        var verdict = ClaimOutcome.Judge(checks);
        string grid = string.Join("; ", Values.Select((r, i) => $"×{r}: {string.Join(" ", counts[i].Select(c => c.ToString("F0")))}"));
        string reason = (verdict == Verdict.Holds ? $"τ(repetitions) = {tauReps:F3} < 0 and τ(length) = {tauLength:F3} > 0" : ClaimOutcome.FailedText(checks)) +
                        $". Induction heads per repetitions (rows) × length {string.Join("/", Values)}: {grid}";

        var measured = new List<MeasuredNumber>
        {
            new("tau(repetitions, count)", tauReps, 1e-9),
            new("tau(length, count)", tauLength, 1e-9),
        };
        foreach (int r in Values)
            foreach (int l in Values)
                measured.Add(new MeasuredNumber($"repetitions {r} length {l} induction heads (count)", Count(r, l), 0,
                    Note: Names(cells[(r, l)].Where(s => s.IsInduction), 4)));
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = reason,
            Checks = checks,
            Protocol = $"each cell: LENGTH ids uniform in {any!.Low}..{any.High} ({any.Range}) × REPETITIONS, then the first again, then EOS; " +
                       $"decoder <start> + the next id; batch {batch}; seed {context.Seed} + 100·repetitions + length (xoshiro256**); K1's rule on every head",
            Measured = measured,
            Figures = new Figure[]
            {
                new HeatmapFigure($"Induction heads detected, repetitions × length ({target.Name})", "K1's rule (score ≥ 0.3) on every head; the document's sweep",
                    Values.Select(r => r.ToString()).ToArray(), Values.Select(l => l.ToString()).ToArray(), counts, 0, counts.SelectMany(c => c).DefaultIfEmpty(1).Max(),
                    "repetitions", "sequence length"),
                new LineChartFigure($"Induction heads by sequence length ({target.Name})", "one line per number of repetitions",
                    Values.Select(l => l.ToString()).ToArray(), Values.Select((r, i) => ($"×{r}", counts[i])).ToList(), "induction heads", "sequence length"),
            },
        };
    }

    /// <summary>
    /// Kendall's τ pooled over groups: the sum over pairs within each group of sign(Δx)·sign(Δy), over the number of such
    /// pairs (ties in y count 0, so a flat count gives 0: neither falling nor rising).
    /// </summary>
    public static double PooledTau(IEnumerable<(double X, double Y)[]> groups)
    {
        double sum = 0; int pairs = 0;
        foreach (var g in groups)
            for (int i = 0; i < g.Length; i++)
                for (int j = i + 1; j < g.Length; j++)
                {
                    sum += Math.Sign(g[j].X - g[i].X) * Math.Sign(g[j].Y - g[i].Y);
                    pairs++;
                }
        return pairs == 0 ? 0 : sum / pairs;
    }
}
