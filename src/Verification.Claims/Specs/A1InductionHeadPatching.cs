using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>A1: under activation patching of the A6 sequences, the induction head is the head that matters most at every length 2-5.</summary>
public sealed class A1InductionHeadPatching : DecoderClaimSpec
{
    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "A1",
        Title = "L1H6 is the induction head",
        Source = "[001] attn-only-2l: induction circuits for longer sequences",
        Statement = "Patching each head's output from the A6 sequence into its corrupted copy (last A → C), the induction head restores the " +
                    "logit diff B − D more than any other head, at every pattern length 2-5.",
        PublishedModel = "attn-only-2l",
        Rule = "attn-only-2l: L1H6 has the largest normalised patching effect of all heads at lengths 2, 3, 4 and 5. Any other model: at every length the head " +
               "with the largest effect in the induction layer is an induction head (induction score ≥ 0.4 on repeated random tokens; a " +
               "model may have several, which then share the work).",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        var heads = CircuitHeads.For(target, context);
        int batch = A7PatchingByLength.Batch(context);
        var maps = SharedRuns.LengthPatching(model, context, A7PatchingByLength.Lengths, batch);
        var tops = maps.OrderBy(m => m.Key)
            .Select(m => (Length: m.Key, Top: heads.Published ? m.Value.TopHead() : m.Value.TopHeadInLayer(heads.Induction.Layer), Map: m.Value)).ToList();
        var roles = heads.Published ? null : SharedRuns.Roles(model, context.Seed);
        bool IsInductionHead(HeadRef h) => heads.Published ? h == heads.Induction : roles!.Score(h).Induction >= G1InductionMap.Threshold;
        var misses = tops.Where(t => !IsInductionHead(t.Top)).ToList();
        string scope = heads.Published ? "of all heads" : $"in layer {heads.Induction.Layer}";
        string who = heads.Published ? heads.Induction.Label : "an induction head";
        string each = string.Join("; ", tops.Select(t => $"L{t.Length}: top {t.Top} {t.Map.Head(t.Top):F2}, {heads.Induction} {t.Map.Head(heads.Induction):F2}"));
        return new ClaimOutcome
        {
            Verdict = misses.Count == 0 ? Verdict.Holds : Verdict.Fails,
            Reason = (misses.Count == 0
                ? $"{who} has the largest patching effect {scope} at every length"
                : $"{who} is not the top head {scope} at length(s) {string.Join(", ", misses.Select(m => m.Length))}") + $" ({each}). {heads.Source}",
            Protocol = A7PatchingByLength.Describe(model, context, batch),
            Measured = tops.Select(t => new MeasuredNumber($"length {t.Length} {heads.Induction} patching", t.Map.Head(heads.Induction), SharedRuns.PatchingTolerance(t.Map)))
                .Append(new MeasuredNumber("lengths where the induction head is top (count)", tops.Count - misses.Count, 0)).ToList(),
            Figures = A7PatchingByLength.Heatmaps(target, maps, batch),
        };
    }
}
