using Verification.Claims.Framework;
using Verification.Claims.Specs;
using Verification.Tests.Lens;

namespace Verification.Tests.Experiments;

/// <summary>The G2, G3, A1-A8 and K1-K3 specs end to end on a fixture, and their published-model and T5 paths.</summary>
public class PatchingClaimSpecTests
{
    private static readonly string[] Ids = { "G2", "G3", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8" };
    private static readonly ClaimRunContext Ci = new(RunSize.Ci, 1234);

    private static ModelTarget Fixture(string name, string? asName = null, TargetKind kind = TargetKind.Fixture) =>
        new(asName ?? name, kind, name.StartsWith("gpt2") ? "gpt2" : "attn-only", RepoPaths.Fixture(name), null, () => FixtureModels.Processed(name));

    [Fact]
    public void Specs_judge_the_fixture_with_finite_uniquely_named_numbers()
    {
        var target = Fixture("attn-only-2l-mini");
        foreach (var id in Ids)
        {
            var spec = ClaimCatalog.Get(id);
            spec.CannotApplyTo(target).Should().BeNull(id);
            var outcome = spec.Evaluate(target, Ci);
            // attn-only-2l-mini has no induction circuit: every claim about one fails, and says why.
            outcome.Verdict.Should().Be(Verdict.Fails, $"{id}: {outcome.Reason}");
            outcome.Reason.Should().NotBeNullOrWhiteSpace();
            if (id is not ("G2" or "G3" or "A4")) outcome.Protocol.Should().Contain("seed 1234", id); // the others draw nothing at random
            outcome.Measured.Should().NotBeEmpty(id);
            outcome.Measured.Should().OnlyContain(m => double.IsFinite(m.Value) && m.Tolerance >= 0, id);
            outcome.Measured.Select(m => m.Name).Should().OnlyHaveUniqueItems(id);
            outcome.Figures.Should().NotBeEmpty(id);
        }
    }

    [Fact]
    public void Results_are_a_pure_function_of_the_seed()
    {
        // Two loads of the same weights (so nothing is shared through the per-model memo) give the same numbers.
        var a = new ModelTarget("x", TargetKind.Fixture, "attn-only", null, null, () => Verification.Lens.ModelLoader.Load(RepoPaths.Fixture("attn-only-2l-mini")));
        var b = new ModelTarget("x", TargetKind.Fixture, "attn-only", null, null, () => Verification.Lens.ModelLoader.Load(RepoPaths.Fixture("attn-only-2l-mini")));
        foreach (var id in new[] { "A5", "A6", "A2" })
        {
            var x = ClaimCatalog.Get(id).Evaluate(a, Ci).Measured.Select(m => m.Value);
            var y = ClaimCatalog.Get(id).Evaluate(b, Ci).Measured.Select(m => m.Value);
            x.Should().Equal(y, id);
        }
        ClaimCatalog.Get("A6").Evaluate(a, Ci with { Seed = 99 }).Measured.Select(m => m.Value)
            .Should().NotEqual(ClaimCatalog.Get("A6").Evaluate(a, Ci).Measured.Select(m => m.Value));
    }

    [Fact]
    public void Published_attn_only_2l_path_checks_the_documents_heads_and_numbers()
    {
        // The fixture's weights under the published name: the spec must use L1H6 / L0H3 / L0H0 and the published table.
        var target = Fixture("attn-only-2l-mini", "attn-only-2l", TargetKind.Published);
        var a1 = new A1InductionHeadPatching().Evaluate(target, Ci);
        a1.Reason.Should().Contain("L1H6").And.Contain("the document's heads");
        a1.Measured.Should().Contain(m => m.Name == "length 2 L1H6 patching");
        var a6 = new A6LengthTable().Evaluate(target, Ci);
        a6.Verdict.Should().Be(Verdict.Fails);
        a6.Checks.Count(c => c.Group == CheckGroup.Agreement).Should().Be(15, "P(B), P(D) and the logit diff at five lengths, against the published table");
        a6.Checks.Should().Contain(c => c.Name == "length 6 fails (does not predict B)" && c.Group == CheckGroup.Structure);
        new A2PreviousTokenHead().Evaluate(target, Ci).Reason.Should().StartWith("L0H3");
    }

    [Fact]
    public void Chronos_claims_need_T5_and_say_so()
    {
        var decoder = Fixture("gpt2-mini");
        // A T5 target whose weights cannot be loaded: the claims apply to it, try, and say why they could not run.
        var t5 = new ModelTarget("chronos-t5-tiny", TargetKind.Published, "t5", "/somewhere", null, null, () => throw new InvalidOperationException("no weights here"));
        foreach (var id in new[] { "K1", "K2", "K3" })
        {
            var spec = ClaimCatalog.Get(id);
            spec.CannotApplyTo(decoder).Should().Be("needs a T5 encoder-decoder (Chronos); this model is decoder-only");
            spec.CannotApplyTo(t5).Should().BeNull();
            var outcome = new ClaimRunner(null, Ci).Run(spec, t5).Outcome;
            outcome.Verdict.Should().Be(Verdict.NotRun);
            outcome.Reason.Should().Be("could not run on chronos-t5-tiny: no weights here");
        }
        foreach (var id in Ids) ClaimCatalog.Get(id).CannotApplyTo(t5).Should().NotBeNull(id);
    }
}
