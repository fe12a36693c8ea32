using System.Collections.Concurrent;
using Verification.Claims.Framework;
using static Verification.Tests.Claims.Gpt2GroundTruth;

namespace Verification.Tests.Claims;

/// <summary>
/// G1-G3 on the gpt2-small-circuits ground truth and its four broken twins, in both forms: generic (the model's own heads, the
/// repeat-free English windows) and as gpt2-small (the published heads 5.1, 5.5, 6.9, 7.2, 7.10 and Pile-10k's documents,
/// here <see cref="PileStandIn"/>). Every cell of <see cref="Gpt2GroundTruth"/> is a test: the claim holds on the ground truth
/// in both forms, and where a twin lacks a mechanism the claim fails with a failing check that names it.
/// </summary>
public sealed class Gpt2GroundTruthTests
{
    private static readonly ConcurrentDictionary<(string, Form), Lazy<ModelTarget>> Targets = new();

    internal static ModelTarget Target(string model, Form form) =>
        Targets.GetOrAdd((model, form), key => new Lazy<ModelTarget>(() => key.Item2 == Form.Generic
            ? ModelCatalog.FromDirectory(Path.GetFileName(key.Item1), TargetKind.Fixture, RepoPaths.Fixture(key.Item1))
            : ModelCatalog.FromDirectory("gpt2-small", TargetKind.StandIn, RepoPaths.Fixture(key.Item1), family: "gpt2"))).Value;

    internal static ClaimOutcome Run(string claim, string model, Form form, IDatasetSource? datasets = null) =>
        new ClaimRunner(null, new ClaimRunContext(RunSize.Ci, ClaimRunContext.DefaultSeed) { Datasets = datasets ?? PileStandIn.Source })
            .Run(ClaimCatalog.Get(claim), Target(model, form)).Outcome;

    public static TheoryData<string, string, string> AllCells()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var c in Cells) data.Add(c.Claim, c.FormName, c.Model);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCells))]
    public void Cell_verdict_is_the_one_built_in(string claim, string form, string model)
    {
        var cell = Cells.Single(c => c.Claim == claim && c.FormName == form && c.Model == model);
        var outcome = Run(claim, model, cell.Form);
        if (cell.Failing == null)
        {
            outcome.Verdict.Should().Be(Verdict.Holds, $"{claim} ({form}) was built into {model}: {outcome.Reason}");
            outcome.Checks.Should().NotBeEmpty().And.OnlyContain(c => c.Passed);
        }
        else
        {
            outcome.Verdict.Should().Be(Verdict.Fails, $"{model} lacks what {claim} ({form}) needs: {outcome.Reason}");
            outcome.Checks.Where(c => !c.Passed).Select(c => c.Name).Should().Contain(n => n.Contains(cell.Failing), outcome.Reason);
        }
    }

    [Fact]
    public void Readme_table_shows_every_cell()
    {
        var readme = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md")).Select(l => l.Trim()).ToHashSet();
        foreach (var row in TableRows())
            readme.Should().Contain(row, "README.md's gpt2-small-circuits table must say what the tests assert");
    }

    [Theory]
    [InlineData("G2")]
    [InlineData("G3")]
    public void Published_form_without_pile_10k_is_not_run_and_says_how_to_get_it(string claim)
    {
        var outcome = Run(claim, Model, Form.AsGpt2Small, PileStandIn.Absent);
        outcome.Verdict.Should().Be(Verdict.NotRun);
        outcome.Reason.Should().StartWith("not run: dataset absent").And.Contain("verification datasets pull NeelNanda/pile-10k");
    }

    [Fact]
    public void Published_form_reads_the_first_documents_with_127_tokens()
    {
        var outcome = Run("G2", Model, Form.AsGpt2Small);
        outcome.Protocol.Should().Contain("the first 8 documents of a Pile-10k stand-in").And.Contain("(9 read, in file order)",
            "the stand-in's first document is too short and is skipped");
        var generic = Run("G2", Model, Form.Generic);
        generic.Protocol.Should().Contain("no token repeated");
    }
}
