using System.Text.Json.Nodes;
using Verification.Claims.Framework;

namespace Verification.Tests.Cli;

/// <summary>`run` end to end on the fixtures: the three report files, golden gating with exit code 1, bad input with exit code 2.</summary>
public sealed class RunCommandTests
{
    private static string CopyOfGolden()
    {
        var dir = Directory.CreateTempSubdirectory("golden-copy-").FullName;
        foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Root, "golden"), "G1.*.verified.json")) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        return dir;
    }

    [Fact]
    public void Run_writes_html_markdown_and_json_with_one_entry_per_claim_and_model_and_matches_golden()
    {
        var golden = CopyOfGolden();
        var outDir = Directory.CreateTempSubdirectory("run-out-").FullName;
        var r = CliRunner.Run("run", "--claim", "G1", "--out", outDir, "--golden", golden);
        r.ExitCode.Should().Be(0, r.Error + r.Out);
        foreach (var f in new[] { "report.html", "report.md", "results.json" }) File.Exists(Path.Combine(outDir, f)).Should().BeTrue(f);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        var results = json["results"]!.AsArray();
        var models = results.Select(x => x!["model"]!.GetValue<string>()).ToList();
        models.Should().Contain(new[] { "attn-only-2l-mini", "gpt2-mini", "attn-only-2l", "gpt2-small", "chronos-t5-tiny" });
        foreach (var x in results)
        {
            x!["id"]!.GetValue<string>().Should().Be("G1");
            x["verdict"]!.GetValue<string>().Should().BeOneOf("holds", "fails", "not-run");
            x["reason"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        }
        results.Single(x => x!["model"]!.GetValue<string>() == "gpt2-small")!["verdict"]!.GetValue<string>().Should().Be("not-run");
        results.Single(x => x!["model"]!.GetValue<string>() == "gpt2-mini")!["golden"]!.GetValue<string>().Should().Be("match");
        File.ReadAllText(Path.Combine(outDir, "report.md")).Should().Contain("| G1");
    }

    [Fact]
    public void A_golden_number_moved_beyond_its_tolerance_fails_the_run_and_names_the_number()
    {
        var golden = CopyOfGolden();
        var file = Path.Combine(golden, "G1.gpt2-mini.verified.json");
        var doc = JsonNode.Parse(File.ReadAllText(file))!;
        var number = doc["numbers"]!["L0H0 induction score"]!;
        number["value"] = number["value"]!.GetValue<double>() + 10 * number["tolerance"]!.GetValue<double>();
        File.WriteAllText(file, doc.ToJsonString());

        var r = CliRunner.Run("run", "--claim", "G1", "--out", Directory.CreateTempSubdirectory("run-out-").FullName, "--golden", golden);
        r.ExitCode.Should().Be(1);
        r.Error.Should().Contain("G1 on gpt2-mini").And.Contain("'L0H0 induction score'");
        File.Exists(Path.Combine(golden, "G1.gpt2-mini.received.json")).Should().BeTrue();

        CliRunner.Run("golden", "accept", "--golden", golden).ExitCode.Should().Be(0);
        CliRunner.Run("run", "--claim", "G1", "--out", Directory.CreateTempSubdirectory("run-out-").FullName, "--golden", golden).ExitCode.Should().Be(0);
    }

    [Theory]
    [InlineData("run", "--claim", "Z9")]
    [InlineData("run", "--model", "/no/such/model/dir")]
    [InlineData("run", "--no-such-option")]
    public void Bad_input_exits_2_with_one_line(params string[] args)
    {
        var r = CliRunner.Run(args);
        r.ExitCode.Should().Be(2, r.Out);
        r.Error.Trim().Split('\n').Should().ContainSingle();
    }

    [Fact]
    public void The_catalogue_has_every_claim_of_the_documents_once()
    {
        var ids = ClaimCatalog.All.Select(s => s.Definition.Id).ToList();
        ids.Should().OnlyHaveUniqueItems();
        var expected = new[] { "G1", "G2", "G3", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "S1", "S2", "S3", "K1", "K2", "K3", "I1", "I2", "I3", "I4" };
        ids.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering(), "claims.md lists these, in this order");
    }
}
