using System.Text.Json;
using Verification.Tests.Cli;
using Verification.Tests.Lens;

namespace Verification.Tests.Torch;

/// <summary>
/// --backend/--device on the CLI: `heads --backend torch` equals managed `heads` within 1e-5 and the float64 reference
/// statistics within 1e-4 on every decoder fixture; engine shown; bad names exit 2. (`cache` and `run` on torch: see
/// TorchCacheCommandTests and TorchReportTests.)
/// </summary>
public class TorchCliTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("verification-torch-cli-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    public static TheoryData<string> Models() => new(FixtureModels.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void Heads_on_torch_equal_managed_heads(string model)
    {
        string managed = Path.Combine(_tmp, "m.json"), torch = Path.Combine(_tmp, "t.json");
        var a = CliRunner.Run("heads", "--model", RepoPaths.Fixture(model), "--json", managed, "--backend", "managed");
        a.ExitCode.Should().Be(0, a.Error);
        var b = CliRunner.Run("heads", "--model", RepoPaths.Fixture(model), "--json", torch, "--backend", "torch", "--device", "cpu");
        b.ExitCode.Should().Be(0, b.Error);
        var x = Numbers(managed); var y = Numbers(torch);
        y.Should().HaveCount(x.Count).And.HaveCountGreaterThan(10);
        x.Zip(y, (p, q) => Math.Abs(p - q)).Max().Should().BeLessThanOrEqualTo(1e-5);

        // Against the float64 reference's statistics (same protocol: seed 1234, batch 64, N 25).
        using var ours = JsonDocument.Parse(File.ReadAllText(torch));
        using var reference = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture(model, "reference", "rrt-head-stats.json")));
        var heads = ours.RootElement.GetProperty("heads").EnumerateArray().ToList();
        var expected = reference.RootElement.GetProperty("heads").EnumerateArray().ToList();
        heads.Should().HaveCount(expected.Count);
        for (int i = 0; i < heads.Count; i++)
            foreach (var stat in new[] { "induction", "previous_token", "duplicate_token", "bos" })
                heads[i].GetProperty(stat).GetDouble().Should().BeApproximately(expected[i].GetProperty(stat).GetDouble(), 1e-4,
                    $"L{heads[i].GetProperty("layer")}H{heads[i].GetProperty("head")} {stat} vs reference");
    }

    [Fact]
    public void Inspect_prints_engine_and_device()
    {
        var r = CliRunner.Run("inspect", "--model", RepoPaths.Fixture("gpt2-mini"), "--backend", "torch", "--device", "cpu");
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Should().MatchRegex(@"Engine\s+torch on cpu");
        CliRunner.Run("inspect", "--model", RepoPaths.Fixture("gpt2-mini")).Out.Should().MatchRegex(@"Engine\s+managed on cpu");
    }

    [Theory]
    [InlineData("--backend", "tensorflow", "unknown backend")]
    [InlineData("--device", "tpu", "unknown device")]
    [InlineData("--device", "cuda", "CPU only")]
    public void Bad_engine_or_device_is_one_line_and_exit_2(string option, string value, string message)
    {
        var r = CliRunner.Run("inspect", "--model", RepoPaths.Fixture("gpt2-mini"), option, value);
        r.ExitCode.Should().Be(2);
        r.Error.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(message);
    }

    private static List<double> Numbers(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var list = new List<double>();
        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object: foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)) Walk(p.Value); break;
                case JsonValueKind.Array: foreach (var v in e.EnumerateArray()) Walk(v); break;
                case JsonValueKind.Number: list.Add(e.GetDouble()); break;
            }
        }
        Walk(doc.RootElement);
        return list;
    }
}
