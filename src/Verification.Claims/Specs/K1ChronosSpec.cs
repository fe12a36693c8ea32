using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Verification.Claims.Framework;
using Verification.Experiments;
using Verification.Lens.T5;

namespace Verification.Claims.Specs;

/// <summary>
/// The Chronos claims [003] (K1-K3): they run on T5 encoder-decoders (HookedEncoderDecoder, managed engine), in generic
/// form on any T5 (the model's own heads; a model without chronos_config draws its random tokens from its own ids) and in
/// published form on chronos-t5-* and their stand-ins (K1 also compares the induction-head count across the sizes of the run).
/// Decoder-only models cannot apply.
/// </summary>
public abstract class ChronosSpec : ClaimSpec
{
    public const string DecoderOnly = "needs a T5 encoder-decoder (Chronos); this model is decoder-only";

    /// <summary>The published Chronos sizes, smallest first.</summary>
    public static readonly string[] Sizes = { "chronos-t5-tiny", "chronos-t5-mini", "chronos-t5-small", "chronos-t5-base", "chronos-t5-large" };

    public override string? CannotApplyTo(ModelTarget target) => target.Family == "t5" ? null : DecoderOnly;

    /// <summary>Judged as a published Chronos model (one of <see cref="Sizes"/>, or a stand-in for one).</summary>
    public static bool IsPublishedChronos(ModelTarget t) => t.PublishedForm && Array.IndexOf(Sizes, t.Name) >= 0;

    protected static string Names(IEnumerable<ChronosHeadScore> heads, int max = 8)
    {
        var list = heads.OrderByDescending(h => h.Score).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list.Take(max).Select(h => $"{h.Label} ({h.Score:F2})")) + (list.Count > max ? $", … ({list.Count} in all)" : "");
    }

    /// <summary>Layer × head mosaics of the scores, one per attention (the document's induction mosaics).</summary>
    protected static IEnumerable<Figure> Mosaics(HookedEncoderDecoder model, IReadOnlyList<ChronosHeadScore> scores, string modelName, string caption)
    {
        foreach (var kind in new[] { T5AttentionKind.Encoder, T5AttentionKind.Decoder, T5AttentionKind.Cross })
        {
            int layers = kind == T5AttentionKind.Encoder ? model.Config.NumLayers : model.Config.NumDecoderLayers;
            var byHead = scores.Where(s => s.Kind == kind).ToDictionary(s => (s.Layer, s.Head), s => s.Score);
            if (byHead.Count == 0) continue;
            yield return Plots.LayerHeadHeatmap($"Induction mosaic, {ChronosHeadScore.KindTitle(kind)} ({modelName})", caption, layers, model.Config.NumHeads,
                (l, h) => byHead[(l, h)], 0, 1);
        }
    }
}

/// <summary>Chronos measurements several claims read (K1's RRT scores feed K3), computed once per model and protocol.</summary>
internal static class ChronosRuns
{
    private static readonly ConditionalWeakTable<HookedEncoderDecoder, ConcurrentDictionary<ChronosRrtProtocol, Lazy<IReadOnlyList<ChronosHeadScore>>>> Memo = new();

    public static IReadOnlyList<ChronosHeadScore> Scores(HookedEncoderDecoder model, ChronosRrtProtocol protocol) =>
        Memo.GetOrCreateValue(model).GetOrAdd(protocol, p => new Lazy<IReadOnlyList<ChronosHeadScore>>(() => ChronosRrt.Scores(model, p),
            LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>K1's protocol: length 10, twice, the document's range with <paramref name="low"/> as its low end; batch 32 in CI, 100 (the document's code) in full.</summary>
    public static ChronosRrtProtocol K1(HookedEncoderDecoder model, ClaimRunContext context, int? low = null) =>
        ChronosRrtProtocol.For(model.Config, 10, 2, context.Pick(ci: 32, full: 100), context.Seed, low);

    public static IReadOnlyList<ChronosHeadScore> K1Scores(HookedEncoderDecoder model, ClaimRunContext context, int? low = null) =>
        Scores(model, K1(model, context, low));
}
