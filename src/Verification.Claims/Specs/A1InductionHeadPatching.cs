using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>A1: under activation patching of the A6 sequences, the induction head is the top head of its layer at every length 2-5.</summary>
public sealed class A1InductionHeadPatching : DecoderClaimSpec
{
    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "A1",
        Title = "L1H6 is the induction head",
        Source = "[001] attn-only-2l: induction circuits for longer sequences",
        Statement = "Patching each head's output from the A6 sequence into its corrupted copy (last A → C), the induction head \"clearly matters a lot\" " +
                    "at every pattern length 2-5 (the document's words; it does not say the head is the top of all 16).",
        PublishedModel = "attn-only-2l",
        Rule = "attn-only-2l: at each length 2, 3, 4 and 5 L1H6 has the largest normalised patching effect among the layer-1 heads (our reading of " +
               "\"matters a lot\": at lengths 4-5 patching L0H0 restores every layer-1 head at once, so a layer-0 head may out-score it), and L1H6 is an " +
               $"induction head: induction score ≥ {G1InductionMap.Threshold} on repeated random tokens ([000]'s threshold, applied here by us). Any other model: " +
               "at every length the top head of the induction layer is an induction head by the same score (a model may have several).",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        var heads = CircuitHeads.For(target, context);
        int batch = A7PatchingByLength.Batch(context);
        var maps = SharedRuns.LengthPatching(model, context, A7PatchingByLength.Lengths, batch);
        int layer = heads.Induction.Layer;
        var tops = maps.OrderBy(m => m.Key).Select(m => (Length: m.Key, Top: m.Value.TopHeadInLayer(layer), Map: m.Value)).ToList();
        var roles = SharedRuns.Roles(model, context.Seed);
        double Score(HeadRef h) => roles.Score(h).Induction;
        var checks = new List<ClaimCheck>();
        foreach (var t in tops)
        {
            bool ok = heads.Published ? t.Top == heads.Induction : Score(t.Top) >= G1InductionMap.Threshold;
            checks.Add(new ClaimCheck(
                heads.Published ? $"length {t.Length}: {heads.Induction} is the top layer-{layer} head under patching" : $"length {t.Length}: the top layer-{layer} head under patching is an induction head",
                ok, $"top {t.Top} {t.Map.Head(t.Top):F2}; {heads.Induction} {t.Map.Head(heads.Induction):F2}" + (heads.Published ? "" : $"; {t.Top} induction score {Score(t.Top):F2}"),
                heads.Published ? $"{heads.Induction} top in layer {layer}" : $"induction score ≥ {G1InductionMap.Threshold}", CheckOwner.Ours));
        }
        if (heads.Published)
            checks.Add(new ClaimCheck($"{heads.Induction} is an induction head on repeated random tokens", Score(heads.Induction) >= G1InductionMap.Threshold,
                $"induction score {Score(heads.Induction):F3}", $"≥ {G1InductionMap.Threshold} ([000]'s threshold)", CheckOwner.Ours));
        var verdict = ClaimOutcome.Judge(checks);
        string who = heads.Published ? heads.Induction.Label : "an induction head";
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = (verdict == Verdict.Holds ? $"{who} is the top layer-{layer} head under patching at every length 2-5" : ClaimOutcome.FailedText(checks)) +
                     $". {heads.Source}",
            Protocol = A7PatchingByLength.Describe(model, context, batch),
            Checks = checks,
            Measured = tops.Select(t => new MeasuredNumber($"length {t.Length} {heads.Induction} patching", t.Map.Head(heads.Induction), SharedRuns.PatchingTolerance(t.Map)))
                .Append(new MeasuredNumber("lengths where the induction head is top (count)", checks.Count(c => c.Passed && c.Name.StartsWith("length")), 0)).ToList(),
            Figures = A7PatchingByLength.Heatmaps(target, maps, batch),
        };
    }
}
