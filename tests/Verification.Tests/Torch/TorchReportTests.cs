using System.Text.Json.Nodes;
using Verification.Tests.Cli;

namespace Verification.Tests.Torch;

/// <summary>
/// The claim report generated with `run --backend torch` shows the same verdicts and golden status as the managed one,
/// claim by claim and model by model, and names its engine in the header.
/// </summary>
public class TorchReportTests
{
    private static (JsonArray Results, string Markdown) Run(string backend, string golden)
    {
        var outDir = Directory.CreateTempSubdirectory($"run-{backend}-").FullName;
        var r = CliRunner.Run("run", "--claim", "G1", "A6", "--out", outDir, "--golden", golden, "--backend", backend, "--device", "cpu");
        r.ExitCode.Should().Be(0, r.Error + r.Out);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        return (json["results"]!.AsArray(), File.ReadAllText(Path.Combine(outDir, "report.md")));
    }

    [Fact]
    public void Run_on_torch_has_the_managed_verdicts_and_golden_status()
    {
        var golden = Directory.CreateTempSubdirectory("golden-copy-").FullName;
        foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Root, "golden"), "*.verified.json").Where(f => Path.GetFileName(f).StartsWith("G1.") || Path.GetFileName(f).StartsWith("A6.")))
            File.Copy(f, Path.Combine(golden, Path.GetFileName(f)));
        var (managed, managedMd) = Run("managed", golden);
        var (torch, torchMd) = Run("torch", golden);

        static List<(string, string, string, string)> Rows(JsonArray a) => a.Select(x => (
            x!["id"]!.GetValue<string>(), x["model"]!.GetValue<string>(), x["verdict"]!.GetValue<string>(), x["golden"]?.GetValue<string>() ?? "-")).ToList();
        var m = Rows(managed);
        Rows(torch).Should().Equal(m);
        m.Where(r => r.Item3 != "not-run").Should().HaveCountGreaterThan(4, "claims ran on the fixtures");
        m.Where(r => r.Item4 == "match").Select(r => r.Item1).Distinct().Should().BeEquivalentTo(new[] { "G1", "A6" }, "both claims are gated on golden numbers");
        torchMd.Should().Contain("torch (libtorch) on cpu");
        managedMd.Should().Contain("managed (");
    }
}
