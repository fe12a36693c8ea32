using System.Diagnostics;
using Verification.Claims.Framework;
using Verification.Claims.Specs;
using Verification.Tests.Lens;
using Xunit.Abstractions;

namespace Verification.Tests.Experiments;

/// <summary>The S1–S3 and I1–I4 specs end to end: verdicts on the hand-wired induction circuit, and well-formed outcomes on the fixtures.</summary>
public class StrengthAndCircuitSpecTests
{
    private static readonly ClaimRunContext Ci = new(RunSize.Ci, 1234);
    private static readonly Lazy<ModelTarget> Hand = new(() => new ModelTarget("hand-induction", TargetKind.Fixture, "attn-only", null, null, HandInductionModel.Build));
    private readonly ITestOutputHelper _output;

    public StrengthAndCircuitSpecTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Specs => new() { "S1", "S2", "S3", "I1", "I2", "I3", "I4" };

    public static TheoryData<string, string> SpecsOnFixtures()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in FixtureModels.Names)
            foreach (var id in new[] { "S1", "S2", "S3", "I1", "I2", "I3", "I4" }) data.Add(id, model);
        return data;
    }

    [Theory]
    [InlineData("S1", Verdict.Holds)]
    [InlineData("S2", Verdict.Fails)]   // every token of the hand circuit inducts alike: no spread beyond noise
    [InlineData("S3", Verdict.Fails)]   // its unembedding columns are orthogonal: B's "neighbours" are arbitrary tokens
    [InlineData("I1", Verdict.Holds)]
    [InlineData("I2", Verdict.Holds)]
    [InlineData("I3", Verdict.Holds)]
    [InlineData("I4", Verdict.Holds)]
    public void Verdicts_on_the_hand_wired_induction_circuit(string id, Verdict expected)
    {
        var outcome = Run(id, Hand.Value);
        outcome.Verdict.Should().Be(expected, outcome.Reason);
    }

    [Theory]
    [MemberData(nameof(SpecsOnFixtures))]
    public void Outcomes_on_fixtures_are_complete_and_reproducible(string id, string model)
    {
        var target = new ModelTarget(model, TargetKind.Fixture, model.StartsWith("gpt2") ? "gpt2" : "attn-only", RepoPaths.Fixture(model), null,
            () => FixtureModels.Processed(model));
        var outcome = Run(id, target);
        outcome.Verdict.Should().NotBe(Verdict.NotRun);
        outcome.Reason.Should().NotBeNullOrWhiteSpace();
        outcome.Protocol.Should().NotBeNullOrWhiteSpace();
        outcome.Measured.Should().NotBeEmpty();
        outcome.Measured.Select(m => m.Name).Should().OnlyHaveUniqueItems();
        outcome.Measured.Should().OnlyContain(m => double.IsFinite(m.Value) && m.Tolerance >= 0);
        outcome.Figures.Should().NotBeEmpty();
    }

    [Theory]
    [InlineData("I1")]
    [InlineData("I2")]
    [InlineData("I3")]
    [InlineData("I4")]
    [InlineData("S2")]
    [InlineData("S3")]
    public void Published_attn_only_2l_branch_uses_the_documents_heads(string id)
    {
        // attn-only-2l-mini has attn-only-2l's 8 heads, so it can stand in to run the published branch (L1H6, L0H3, the " Fab" example).
        var target = new ModelTarget("attn-only-2l", TargetKind.Published, "attn-only", RepoPaths.Fixture("attn-only-2l-mini"), null,
            () => FixtureModels.Processed("attn-only-2l-mini"));
        var outcome = Run(id, target);
        outcome.Verdict.Should().NotBe(Verdict.NotRun);
        if (id.StartsWith('I')) outcome.Protocol.Should().Contain("L1H6").And.Contain("document [001]");
        if (id == "S2") outcome.Reason.Should().Contain("worked example");
        if (id == "S3") outcome.Reason.Should().Contain("[0.25, 0.75]");
    }

    [Fact]
    public void Same_seed_gives_the_same_numbers()
    {
        var first = Run("S1", Hand.Value).Measured.Select(m => m.Value).ToArray();
        Run("S1", Hand.Value).Measured.Select(m => m.Value).Should().Equal(first);
        var other = ClaimCatalog.Get("S1").Evaluate(Hand.Value, Ci with { Seed = 99 }).Measured.Select(m => m.Value);
        other.Should().NotEqual(first, "another seed draws other sequences");
    }

    private ClaimOutcome Run(string id, ModelTarget target)
    {
        var spec = ClaimCatalog.Get(id);
        var clock = Stopwatch.StartNew();
        var outcome = spec.Evaluate(target, Ci);
        _output.WriteLine($"{id} on {target.Name}: {outcome.Verdict} in {clock.Elapsed.TotalSeconds:F2} s\n  {outcome.Reason}");
        return outcome;
    }
}
