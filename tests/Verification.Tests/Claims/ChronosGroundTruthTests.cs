using System.Collections.Concurrent;
using Verification.Claims.Framework;
using Verification.Claims.Specs;
using Verification.Experiments;
using Verification.Lens.T5;
using Verification.Loading.Safetensors;
using Verification.Tensors;

namespace Verification.Tests.Claims;

/// <summary>
/// K1-K3 on the hand-set Chronos T5 (tools/ground_truth/chronos_t5_circuits.py): encoder L0H0 a previous-token head and
/// L1H1-L1H6 induction heads. Each claim holds on it and fails on the twin whose induction heads' QK was scrambled, with a
/// failing check that names the induction heads; K1's growth with size is judged across stand-ins of two sizes; both
/// models match their float64 references.
/// </summary>
public sealed class ChronosGroundTruthTests
{
    public const string GroundTruth = "ground-truth/chronos-t5-circuits";
    public const string Twin = "ground-truth/chronos-t5-circuits-scrambled-induction-qk";
    private static readonly ConcurrentDictionary<string, Lazy<ModelTarget>> Targets = new();

    private static ModelTarget Target(string model) => Targets.GetOrAdd(model, m => new Lazy<ModelTarget>(() =>
        ModelCatalog.FromDirectory(Path.GetFileName(m), TargetKind.Fixture, RepoPaths.Fixture(m)))).Value;

    private static ClaimOutcome Run(string claim, string model, params ModelTarget[] run)
    {
        var target = run.FirstOrDefault(t => t.Directory == RepoPaths.Fixture(model)) ?? Target(model);
        var context = new ClaimRunContext(RunSize.Ci, ClaimRunContext.DefaultSeed) { Targets = run };
        return new ClaimRunner(null, context).Run(ClaimCatalog.Get(claim), target).Outcome;
    }

    [Theory]
    [InlineData("K1")]
    [InlineData("K2")]
    [InlineData("K3")]
    public void Claim_holds_on_the_ground_truth(string claim)
    {
        var outcome = Run(claim, GroundTruth);
        outcome.Verdict.Should().Be(Verdict.Holds, $"{claim} was built into the ground truth: {outcome.Reason}");
        outcome.Checks.Should().OnlyContain(c => c.Passed);
    }

    [Theory]
    [InlineData("K1", "induction heads exist")]
    [InlineData("K2", "induction-head count rises with length")]
    [InlineData("K3", "induction head")]
    public void Claim_fails_on_the_twin_with_scrambled_induction_QK_naming_the_induction_heads(string claim, string failingCheck)
    {
        var outcome = Run(claim, Twin);
        outcome.Verdict.Should().Be(Verdict.Fails, $"{claim} needs the induction heads the twin lacks: {outcome.Reason}");
        outcome.Checks.Where(c => !c.Passed).Select(c => c.Name).Should().Contain(n => n.Contains(failingCheck), outcome.Reason);
    }

    [Fact]
    public void K1_finds_exactly_the_built_in_induction_heads()
    {
        var model = Target(GroundTruth).EncoderDecoder;
        var scores = ChronosRrt.Scores(model, ChronosRrtProtocol.For(model.Config, 10, 2, 32, ClaimRunContext.DefaultSeed));
        scores.Where(s => s.IsInduction).Select(s => s.Label).Should().BeEquivalentTo("enc L1H1", "enc L1H2", "enc L1H3", "enc L1H4", "enc L1H5", "enc L1H6");
        // Recency grows from H1 to H6, so with two copies the latest one's share grows too (0.5 → about 0.7).
        var ordered = Enumerable.Range(1, 6).Select(h => scores.Single(s => s.Kind == T5AttentionKind.Encoder && s.Layer == 1 && s.Head == h).Score).ToList();
        ordered.Should().BeInAscendingOrder();
        ordered[0].Should().BeInRange(0.45, 0.55);
        ordered[5].Should().BeInRange(0.65, 0.8);
        // The previous-token head looks one position back, not to the earlier copy.
        scores.Single(s => s.Label == "enc L0H0").Score.Should().BeLessThan(0.05);
    }

    [Fact]
    public void K1_judges_growth_with_size_across_stand_ins_of_two_sizes()
    {
        var small = ModelCatalog.FromDirectory("chronos-t5-tiny", TargetKind.StandIn, RepoPaths.Fixture(Twin), family: "t5");
        var large = ModelCatalog.FromDirectory("chronos-t5-mini", TargetKind.StandIn, RepoPaths.Fixture(GroundTruth), family: "t5");
        var grows = Run("K1", GroundTruth, small, large);
        grows.Verdict.Should().Be(Verdict.Holds, grows.Reason);
        grows.Checks.Should().Contain(c => c.Name == "no fewer induction heads than the smaller chronos-t5-tiny" && c.Passed);
        grows.Reason.Should().Contain("chronos-t5-tiny 0, chronos-t5-mini 6");

        // The same two models the other way round: the smaller size has the induction heads, so the count shrinks with size.
        var bigFirst = ModelCatalog.FromDirectory("chronos-t5-tiny", TargetKind.StandIn, RepoPaths.Fixture(GroundTruth), family: "t5");
        var smallLast = ModelCatalog.FromDirectory("chronos-t5-mini", TargetKind.StandIn, RepoPaths.Fixture(Twin), family: "t5");
        var shrinks = Run("K1", GroundTruth, bigFirst, smallLast);
        shrinks.Verdict.Should().Be(Verdict.Fails);
        shrinks.Checks.Where(c => !c.Passed).Select(c => c.Name).Should().Equal("no more induction heads than the larger chronos-t5-mini");
    }

    [Fact]
    public void K1_alone_on_a_published_size_says_growth_was_not_judged()
    {
        var only = ModelCatalog.FromDirectory("chronos-t5-small", TargetKind.StandIn, RepoPaths.Fixture(GroundTruth), family: "t5");
        var outcome = Run("K1", GroundTruth, only);
        outcome.Verdict.Should().Be(Verdict.Holds);
        outcome.Reason.Should().Contain("Growth with size not judged");
    }

    [Theory]
    [InlineData(GroundTruth)]
    [InlineData(Twin)]
    public void Ground_truth_models_match_their_float64_references(string name)
    {
        var model = HookedEncoderDecoder.Load(RepoPaths.Fixture(name));
        var path = RepoPaths.Fixture(name, "reference.safetensors");
        var reference = SafetensorsReader.Read(path);
        Verification.Lens.Tokens Ids(string key)
        {
            var (data, _) = SafetensorsReader.ReadInt64(path, key);
            return Verification.Lens.Tokens.Single(data.Select(i => (int)i).ToArray());
        }
        var (logits, cache) = model.RunWithCache(new EncoderDecoderInput(Ids("encoder_tokens"), Ids("decoder_tokens")));
        MaxDiff(logits, reference["logits"]).Should().BeLessThan(1e-4);
        int patterns = 0;
        foreach (var key in reference.Keys.Where(k => k.Contains(".hook_") || k.StartsWith("encoder_final_ln", StringComparison.Ordinal)))
        {
            double tol = key.EndsWith("hook_pattern", StringComparison.Ordinal) ? 1e-5 : 1e-4;
            MaxDiff(cache[key], reference[key]).Should().BeLessThan(tol, key);
            if (key.EndsWith("hook_pattern", StringComparison.Ordinal)) patterns++;
        }
        patterns.Should().Be(4, "two encoder layers, decoder self- and cross-attention");
    }

    private static double MaxDiff(Tensor a, Tensor b)
    {
        a.Shape.Should().Equal(b.Shape);
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a.Data[i] - b.Data[i]));
        return m;
    }
}
