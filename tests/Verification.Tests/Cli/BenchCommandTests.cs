using Verification.Cli.Benchmarks;
using System.Text.Json;
using Verification.Tests.Tensors;

namespace Verification.Tests.Cli;

/// <summary>`bench` at a tiny size: the JSON has the shape, the numbers are positive, the peer agrees or is skipped with a reason.</summary>
[Collection(nameof(ComputeStateCollection))]
public class BenchCommandTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("verification-bench-test-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public void Bench_without_peer_writes_every_mode_sweep_and_matmul()
    {
        using var doc = Bench("attn-only-2l-mini", "none");
        var root = doc.RootElement;
        foreach (var mode in new[] { "no_cache", "full_cache", "patterns_only" })
            root.GetProperty(mode).GetProperty("tokens_per_s").GetDouble().Should().BePositive(mode);
        var sweep = root.GetProperty("patching_sweep");
        sweep.GetProperty("forwards").GetInt32().Should().Be(2 * 8, "every head of both layers is patched once");
        sweep.GetProperty("forwards_per_s").GetDouble().Should().BePositive();
        var matmul = root.GetProperty("matmul").EnumerateArray().ToList();
        matmul.Select(g => g.GetProperty("shape").GetString()).Should().Contain(new[] { "q/k/v", "unembed", "q·kᵀ", "pattern·v" });
        matmul.Should().OnlyContain(g => g.GetProperty("managed_gflops").GetDouble() > 0);
        var memory = root.GetProperty("full_cache").GetProperty("memory");
        // 4 sequences of 16: logits 4·16·4096 floats, and the cache holds more than that.
        memory.GetProperty("cached_bytes").GetInt64().Should().BeGreaterThan(4L * 16 * 4096 * 4);
        root.GetProperty("peer").GetProperty("skipped").GetString().Should().Contain("--peer none");
        root.GetProperty("ratios").GetProperty("no_cache").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [TorchPeerFact]
    public void Bench_with_the_PyTorch_peer_reports_its_numbers_ratios_and_agreement()
    {
        using var doc = Bench("gpt2-mini", TorchPeer.DefaultPython);
        var root = doc.RootElement;
        var peer = root.GetProperty("peer");
        foreach (var mode in new[] { "no_cache", "full_cache", "patterns_only" })
        {
            peer.GetProperty(mode).GetProperty("tokens_per_s").GetDouble().Should().BePositive(mode);
            root.GetProperty("ratios").GetProperty(mode).GetDouble().Should().BePositive(mode);
        }
        peer.GetProperty("patching_sweep").GetProperty("forwards").GetInt32().Should().Be(4 * 8);
        peer.GetProperty("max_abs_last_logit_difference").GetDouble().Should().BeLessThan(1e-3, "the peer computes the same model on the same tokens");
    }

    [Fact]
    public void Modes_choose_what_is_measured_and_the_rest_is_absent()
    {
        var json = Path.Combine(_tmp, "modes.json");
        var r = CliRunner.Run("bench", "--model", RepoPaths.Fixture("attn-only-2l-mini"), "--batch", "2", "--seq", "8", "--reps", "1", "--rounds", "1",
            "--peer", "none", "--modes", "patterns,no-cache", "--json", json);
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Should().NotContain("managed / OpenBLAS").And.NotContain("patching sweep");
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        root.GetProperty("no_cache").GetProperty("tokens_per_s").GetDouble().Should().BePositive();
        root.GetProperty("patterns_only").GetProperty("tokens_per_s").GetDouble().Should().BePositive();
        root.TryGetProperty("full_cache", out _).Should().BeFalse();
        root.TryGetProperty("patching_sweep", out _).Should().BeFalse();
        root.GetProperty("matmul").GetArrayLength().Should().Be(0);
        root.GetProperty("settings").GetProperty("modes").GetString().Should().Be("no-cache,patterns");
    }

    [TorchPeerFact]
    public void Modes_reach_the_PyTorch_peer()
    {
        var json = Path.Combine(_tmp, "peer-modes.json");
        var r = CliRunner.Run("bench", "--model", RepoPaths.Fixture("gpt2-mini"), "--batch", "2", "--seq", "8", "--reps", "1", "--rounds", "1",
            "--peer", TorchPeer.DefaultPython, "--modes", "full-cache", "--json", json);
        r.ExitCode.Should().Be(0, r.Error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var peer = doc.RootElement.GetProperty("peer");
        peer.GetProperty("full_cache").GetProperty("tokens_per_s").GetDouble().Should().BePositive();
        peer.TryGetProperty("no_cache", out _).Should().BeFalse();
        peer.TryGetProperty("patching_sweep", out _).Should().BeFalse();
        doc.RootElement.GetProperty("ratios").GetProperty("full_cache").GetDouble().Should().BePositive();
    }

    [Theory]
    [InlineData("sweep,bogus")]
    [InlineData(",")]
    public void Unknown_modes_are_bad_input(string modes)
    {
        var r = CliRunner.Run("bench", "--model", RepoPaths.Fixture("gpt2-mini"), "--peer", "none", "--modes", modes);
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("--modes");
    }

    [Fact]
    public void Bench_rejects_a_sequence_longer_than_the_context()
    {
        var r = CliRunner.Run("bench", "--model", RepoPaths.Fixture("gpt2-mini"), "--seq", "300", "--peer", "none");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("context");
    }

    private JsonDocument Bench(string model, string peer)
    {
        var json = Path.Combine(_tmp, model + ".json");
        var r = CliRunner.Run("bench", "--model", RepoPaths.Fixture(model), "--batch", "4", "--seq", "16", "--reps", "1", "--rounds", "2", "--peer", peer, "--json", json);
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Should().Contain("ours / PyTorch").And.Contain("managed / OpenBLAS");
        return JsonDocument.Parse(File.ReadAllText(json));
    }
}
