using System.Text.Json.Nodes;

namespace Verification.Tests.Cli;

/// <summary>
/// Gating a user's own model from real `run`s: a model is known by its name and digest, never by a folder name that looks
/// like a published model's; --model runs exactly the models given; golden files land under --golden; exit codes 0-4.
/// </summary>
public sealed class ModelGateTests
{
    private static string Scratch() => Directory.CreateTempSubdirectory("gate-").FullName;

    private static string CopyModel(string fixture, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var f in Directory.GetFiles(RepoPaths.Fixture(fixture))) File.Copy(f, Path.Combine(destination, Path.GetFileName(f)));
        return destination;
    }

    private static CliRunner.Result Run(string scratch, params string[] args) =>
        CliRunner.Run(new[] { "run", "--out", Path.Combine(scratch, "out"), "--golden", Path.Combine(scratch, "golden") }.Concat(args).ToArray());

    private static List<JsonNode> Results(string scratch) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(scratch, "out", "results.json")))!["results"]!.AsArray().Select(x => x!).ToList();

    [Theory]
    [InlineData("gpt2-mini", "gpt2-mini")]
    [InlineData("gpt2-small", "gpt2-small-local")]
    public void A_model_in_a_folder_named_like_a_known_model_runs_under_its_own_identity(string folder, string expectedName)
    {
        var s = Scratch();
        var model = CopyModel("attn-only-2l-induction", Path.Combine(s, folder));

        var r = Run(s, "--model", model, "--claim", "G1");

        r.ExitCode.Should().Be(4, r.Error);
        var results = Results(s);
        results.Should().ContainSingle("--model alone runs no fixture and no published model");
        results[0]["model"]!.GetValue<string>().Should().Be(expectedName);
        results[0]["model_kind"]!.GetValue<string>().Should().Be("user");
        results[0]["verdict"]!.GetValue<string>().Should().Be("holds", "the induction fixture's weights are what ran, not gpt2-mini's");
        var received = JsonNode.Parse(File.ReadAllText(Path.Combine(s, "golden", $"G1.{expectedName}.received.json")))!;
        received["digest"]!.GetValue<string>().Should().StartWith("sha256:");
    }

    [Fact]
    public void Two_folders_named_model_are_two_models()
    {
        var s = Scratch();
        var a = CopyModel("attn-only-2l-mini", Path.Combine(s, "a", "model"));
        var b = CopyModel("attn-only-2l-induction", Path.Combine(s, "b", "model"));

        var r = Run(s, "--model", a, b, "--claim", "G1");

        r.ExitCode.Should().Be(4, r.Error);
        Results(s).Select(x => (x["model"]!.GetValue<string>(), x["verdict"]!.GetValue<string>()))
            .Should().BeEquivalentTo(new[] { ("model", "fails"), ("b-model", "holds") });
        Run(s, "--model", a, b, "--name", "mini", "induced", "--claim", "G1").ExitCode.Should().Be(4);
        Results(s).Select(x => x["model"]!.GetValue<string>()).Should().BeEquivalentTo("mini", "induced");
    }

    [Fact]
    public void First_run_exits_4_then_accept_gives_0_and_a_changed_weight_gives_1_naming_the_digest()
    {
        var s = Scratch();
        var model = CopyModel("ground-truth/attn-only-2l-circuits", Path.Combine(s, "model"));

        Run(s, "--model", model, "--claim", "G1").ExitCode.Should().Be(4);
        Directory.GetFiles(Path.Combine(s, "golden"), "*.received.json").Select(Path.GetFileName).Should().Equal("G1.model.received.json");
        CliRunner.Run("golden", "accept", "--golden", Path.Combine(s, "golden")).ExitCode.Should().Be(0);
        Run(s, "--model", model, "--claim", "G1").ExitCode.Should().Be(0);

        // Changed weights of the same shapes (the twin whose previous-token head is broken): the numbers move and the run
        // says the weights differ. (Weights of other shapes than the config's are bad input, exit 2: see the hostile corpus.)
        File.Copy(RepoPaths.Fixture("ground-truth/attn-only-2l-circuits-no-previous-token") + "/model_final.pth", Path.Combine(model, "model_final.pth"), overwrite: true);
        var r = Run(s, "--model", model, "--claim", "G1");
        r.ExitCode.Should().Be(1, r.Error);
        r.Error.Should().Contain("weights differ from the golden file's").And.Contain("regressed: G1 on model: '")
            .And.Contain("G1.model.verified.json").And.Contain("golden accept --golden");
        r.Error.Should().NotContain("   at ");
    }

    [Fact]
    public void A_published_model_or_repository_asked_for_without_weights_exits_3()
    {
        var s = Scratch();
        var hf = Directory.CreateTempSubdirectory("hf-empty-").FullName;
        var before = (Environment.GetEnvironmentVariable("HF_HOME"), Environment.GetEnvironmentVariable("HF_HUB_OFFLINE"));
        Environment.SetEnvironmentVariable("HF_HOME", hf);
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");
        try
        {
            var r = Run(s, "--model", "gpt2-small", "--claim", "G1");
            r.ExitCode.Should().Be(3, r.Error);
            r.Error.Should().Contain("could not run: gpt2-small").And.Contain("verification models pull gpt2-small");

            var repo = Run(s, "--model", "some-org/some-model", "--claim", "G1");
            repo.ExitCode.Should().Be(3, repo.Error);
            repo.Error.Should().Contain("could not run: some-org--some-model");

            var pull = CliRunner.Run("models", "pull", "gpt2-small");
            pull.ExitCode.Should().Be(3, "a hub that cannot be reached is 'could not run', not a regression: " + pull.Out);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_HOME", before.Item1);
            Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", before.Item2);
        }
    }

    [Fact]
    public void A_stand_in_runs_in_published_form_under_the_published_name()
    {
        var s = Scratch();
        var model = CopyModel("attn-only-2l-induction", Path.Combine(s, "candidate"));

        var r = Run(s, "--model", model, "--as", "attn-only-2l", "--claim", "A1");

        r.ExitCode.Should().Be(4, r.Error);
        var result = Results(s).Single();
        result["model"]!.GetValue<string>().Should().Be("attn-only-2l");
        result["model_kind"]!.GetValue<string>().Should().Be("stand-in");
        result["reason"]!.GetValue<string>().Should().Contain("L1H6", "published form judges the document's head");
        File.ReadAllText(Path.Combine(s, "out", "report.html")).Should().Contain("stand-in (--as) &#183; published form");
    }

    [Fact]
    public void A_users_golden_numbers_never_default_into_the_tools_checkout()
    {
        // The tests run inside the checkout, so ./golden here is the tool's own: a user's model must name --golden.
        var s = Scratch();
        var model = CopyModel("attn-only-2l-mini", Path.Combine(s, "model"));
        var r = CliRunner.Run("run", "--model", model, "--claim", "G1", "--out", Path.Combine(s, "out"));
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("inside the tool's checkout").And.Contain("--golden");
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "golden"), "*.model.*").Should().BeEmpty();
    }

    [Fact]
    public void A_model_asked_for_that_cannot_load_exits_3()
    {
        var s = Scratch();
        var model = Directory.CreateDirectory(Path.Combine(s, "empty-model")).FullName;
        var r = Run(s, "--model", model, "--claim", "G1");
        r.ExitCode.Should().Be(3, r.Error);
        r.Error.Should().Contain("could not run: empty-model");
    }

    [Theory]
    [InlineData("--model", "no-such-registry-model")]
    [InlineData("--claim", "Z9")]
    [InlineData("--model", "/no/such/dir", "--name", "x", "y")]
    public void Unknown_model_or_claim_names_exit_2(params string[] args)
    {
        var r = Run(Scratch(), args);
        r.ExitCode.Should().Be(2, r.Out);
        r.Error.Trim().Split('\n').Should().ContainSingle();
    }

    [Fact]
    public void Models_pull_of_an_unknown_name_exits_2()
    {
        var r = CliRunner.Run("models", "pull", "nonexistent-model");
        r.ExitCode.Should().Be(2, r.Out + r.Error);
    }

    [Fact]
    public void Help_states_every_exit_code()
    {
        var r = CliRunner.Run("run", "--help");
        foreach (var code in new[] { "0 all checked", "1 a golden number moved", "2 bad input", "3 could not run", "4 no golden numbers yet" })
            r.Out.Should().Contain(code);
    }
}
