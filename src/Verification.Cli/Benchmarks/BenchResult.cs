using System.Text.Json.Nodes;

namespace Verification.Cli.Benchmarks;

/// <summary>Everything one `bench` run measured, ours and the peer's, and the ratios against the targets.</summary>
public sealed record BenchResult
{
    public required string Model { get; init; }
    /// <summary>The engine and device "ours" ran on ("managed (…) on cpu", "torch (libtorch) on cuda").</summary>
    public string Engine { get; init; } = "managed";
    public required BenchSettings Settings { get; init; }
    public required MachineInfo Machine { get; init; }
    public double? LoadBefore { get; init; }
    public double? LoadAfter { get; init; }
    public required IReadOnlyDictionary<ForwardMode, ForwardBenchmark.ModeResult> Modes { get; init; }
    /// <summary>Null where full-cache was not measured (as are the sweeps without sweep).</summary>
    public ForwardBenchmark.MemoryResult? Memory { get; init; }
    public PatchingSweepBenchmark.Result? Sweep { get; init; }
    public PatchingSweepBenchmark.Result? SweepResumed { get; init; }
    public required IReadOnlyList<GemmBenchmark.Result> Gemm { get; init; }
    /// <summary>The PyTorch peer's JSON, or null with <see cref="PeerSkipped"/> saying why.</summary>
    public JsonObject? Peer { get; init; }
    public string? PeerSkipped { get; init; }
    /// <summary>Largest |our logit − the peer's logit| at the last position over the batch: both computed the same thing.</summary>
    public double? PeerMaxLogitDifference { get; init; }

    public const double ForwardTarget = 1.3, GemmTarget = 0.8, MemoryTarget = 1.5;

    public double? PeerTokensPerSecond(ForwardMode mode) => Peer?[mode.Key]?["tokens_per_s"]?.GetValue<double>();
    public double? PeerSweepPerSecond => Peer?["patching_sweep"]?["forwards_per_s"]?.GetValue<double>();
    public double? PeerSweepResumedPerSecond => Peer?["patching_sweep_resumed"]?["forwards_per_s"]?.GetValue<double>();

    public double? Ratio(ForwardMode mode) => PeerTokensPerSecond(mode) is { } peer && Modes.TryGetValue(mode, out var ours) ? ours.TokensPerSecond / peer : null;
    public double? SweepRatio => PeerSweepPerSecond is { } peer && Sweep != null ? Sweep.ForwardsPerSecond / peer : null;
    public double? SweepResumedRatio => PeerSweepResumedPerSecond is { } peer && SweepResumed != null ? SweepResumed.ForwardsPerSecond / peer : null;
    /// <summary>The worst managed/OpenBLAS ratio over the shapes (null without OpenBLAS).</summary>
    public double? WorstGemmRatio => Gemm.Select(g => g.Ratio).Min();

    /// <summary>The targets: name, measured value, target, met (null where it could not be measured).</summary>
    public IEnumerable<(string Name, double? Value, string Target, bool? Met)> Targets()
    {
        foreach (var mode in Modes.Keys)
            yield return ($"{mode.Key} vs PyTorch", Ratio(mode), $">= {ForwardTarget}x", Ratio(mode) is { } r ? r >= ForwardTarget : null);
        if (Gemm.Count > 0)
            yield return ("matmul vs OpenBLAS (worst shape)", WorstGemmRatio, $">= {GemmTarget}x", WorstGemmRatio is { } g ? g >= GemmTarget : null);
        if (Memory != null)
            yield return ("full-cache peak memory / (weights + cached)", Memory.Ratio, $"<= {MemoryTarget}x", Memory.Ratio is { } m ? m <= MemoryTarget : null);
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["model"] = Model, ["engine"] = Engine,
            ["machine"] = new JsonObject
            {
                ["cpu"] = Machine.Cpu, ["processors"] = Machine.Processors, ["memory_bytes"] = Machine.MemoryBytes,
                ["runtime"] = Machine.Runtime, ["os"] = Machine.Os, ["load_average_before"] = LoadBefore, ["load_average_after"] = LoadAfter,
            },
            ["settings"] = new JsonObject
            {
                ["batch"] = Settings.Batch, ["seq"] = Settings.Sequence, ["threads"] = Settings.Threads, ["reps"] = Settings.Repetitions, ["rounds"] = Settings.Rounds,
                ["sweep_reps"] = Settings.SweepRepetitions, ["modes"] = string.Join(",", BenchModes.All.Where(Settings.Measures)), ["seed"] = Settings.Seed, ["dtype"] = "float32", ["weights"] = "raw (no weight processing), as the peer",
                ["timing"] = "rounds of (ours, then the peer); in each, one warm-up then the best of reps; the best over rounds is kept",
            },
        };
        foreach (var (mode, r) in Modes)
            json[mode.Key] = new JsonObject
            {
                ["tokens_per_s"] = r.TokensPerSecond, ["seconds"] = r.Seconds,
                ["allocated_bytes_per_forward"] = r.AllocatedBytesPerForward, ["gc_pause_s_per_forward"] = r.GcPauseSecondsPerForward,
            };
        if (Memory != null)
        json[ForwardMode.FullCache.Key]!["memory"] = new JsonObject
        {
            ["weights_bytes"] = Memory.WeightBytes, ["cached_bytes"] = Memory.CachedBytes,
            ["rss_baseline_bytes"] = Memory.Rss?.BaselineBytes, ["rss_peak_bytes"] = Memory.Rss?.PeakBytes, ["ratio"] = Memory.Ratio,
        };
        if (Sweep != null && SweepResumed != null)
        {
        json["patching_sweep"] = new JsonObject { ["forwards_per_s"] = Sweep.ForwardsPerSecond, ["forwards"] = Sweep.Forwards, ["seconds"] = Sweep.Seconds };
        json["patching_sweep_resumed"] = new JsonObject
        {
            ["forwards_per_s"] = SweepResumed.ForwardsPerSecond, ["forwards"] = SweepResumed.Forwards, ["seconds"] = SweepResumed.Seconds,
        };
        }
        json["matmul"] = new JsonArray(Gemm.Select(g => (JsonNode)new JsonObject
        {
            ["shape"] = g.Shape.Name, ["m"] = g.Shape.M, ["n"] = g.Shape.N, ["k"] = g.Shape.K, ["trans_b"] = g.Shape.TransB,
            ["managed_gflops"] = g.ManagedGflops, ["openblas_gflops"] = g.OpenBlasGflops, ["ratio"] = g.Ratio,
        }).ToArray());
        json["peer"] = Peer?.DeepClone() ?? new JsonObject { ["skipped"] = PeerSkipped };
        if (Peer != null) json["peer"]!["max_abs_last_logit_difference"] = PeerMaxLogitDifference;
        json["ratios"] = new JsonObject
        {
            ["no_cache"] = Ratio(ForwardMode.NoCache), ["full_cache"] = Ratio(ForwardMode.FullCache),
            ["patterns_only"] = Ratio(ForwardMode.PatternsOnly), ["patching_sweep"] = SweepRatio,
            ["patching_sweep_resumed"] = SweepResumedRatio, ["matmul_worst"] = WorstGemmRatio,
        };
        json["targets"] = new JsonArray(Targets().Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t.Name, ["value"] = t.Value, ["target"] = t.Target, ["met"] = t.Met,
        }).ToArray());
        return json;
    }
}
