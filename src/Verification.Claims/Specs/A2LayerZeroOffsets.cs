using System.Globalization;
using Verification.Claims.Framework;
using Verification.Experiments;
using Verification.Lens;

namespace Verification.Claims.Specs;

/// <summary>
/// The layer-0 attention-by-offset run A2 and A3 both read: every layer-0 head averaged over BOS + random tokens, computed once
/// per model, size and seed.
/// </summary>
internal static class LayerZeroOffsets
{
    public const ulong SeedOffset = 200;
    public const int MaxOffset = 6;

    public sealed record Run(IReadOnlyList<OffsetProfile> Profiles, int Batch, string Protocol);

    public static Run Measure(HookedTransformer model, ClaimRunContext context)
    {
        int batch = context.Pick(ci: 64, full: 500);
        return SharedRuns.Once(model, $"layer-zero-offsets/{batch}/{context.Seed}", () =>
        {
            var pool = TokenPool.For(model);
            int length = Math.Min(32, model.Config.NCtx - 1);
            var tokens = pool.RandomSequences(batch, length, context.Seed + SeedOffset);
            var profiles = AttentionByOffset.Measure(model, tokens, 0, MaxOffset);
            return new Run(profiles, batch,
                $"{batch} sequences of BOS + {length} random tokens ({pool.Describe()}, seed {context.Seed} + {SeedOffset}); layer-0 patterns; " +
                $"attention by offset d = 0..{MaxOffset} = mean of pattern[q, q − d] and BOS = mean of pattern[q, 0], over queries q = {MaxOffset + 1}..{length} " +
                "and the sequences (± s.e. over sequences)");
        });
    }

    public static IReadOnlyList<MeasuredNumber> Numbers(OffsetProfile p) =>
        p.ByOffset.Select((v, d) => new MeasuredNumber($"{p.Label} attention at offset {d}", v, 1e-4, p.ByOffsetSe[d]))
            .Append(new MeasuredNumber($"{p.Label} attention to BOS", p.Bos, 1e-4, p.BosSe)).ToList();

    public static IReadOnlyList<Figure> Figures(ModelTarget target, Run run, OffsetProfile p, string role)
    {
        var labels = Enumerable.Range(0, p.MeanPattern.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new Figure[]
        {
            new BarChartFigure($"{p.Label} ({role}) attention by offset ({target.Name})", $"mean over {run.Batch} random sequences; 0 = self, 1 = previous, ...",
                Enumerable.Range(0, p.ByOffset.Length).Select(d => d.ToString(CultureInfo.InvariantCulture)).Append("BOS").ToArray(),
                p.ByOffset.Append(p.Bos).ToArray(), "attention"),
            new HeatmapFigure($"{p.Label} ({role}) mean attention pattern ({target.Name})", $"averaged over {run.Batch} random sequences; query rows, key columns",
                labels, labels, p.MeanPattern, 0, 1),
        };
    }
}
