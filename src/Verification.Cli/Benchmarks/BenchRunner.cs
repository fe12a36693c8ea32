using Verification.Lens;
using Verification.Lens.Weights;
using Verification.Tensors.Backends;

namespace Verification.Cli.Benchmarks;

/// <summary>One benchmark run: rounds of our engine in this process on <see cref="BenchSettings.Threads"/> threads, each followed by the PyTorch peer.</summary>
public static class BenchRunner
{
    public static BenchResult Run(BenchSettings s, Action<string> progress)
    {
        s.Validate();
        // Raw weights: the peer runs the files as they are, so both compute the same thing.
        var model = Verification.Torch.EngineChoice.Current.Apply(ModelLoader.Load(s.ModelDirectory, WeightProcessingOptions.None));
        if (model.Engine != null) TorchSharp.torch.set_num_threads(s.Threads);
        if (s.Sequence > model.Config.NCtx)
            throw new ArgumentException($"--seq {s.Sequence} is longer than the model's context of {model.Config.NCtx}");
        var clean = BenchTokens.Random(model, s.Batch, s.Sequence, s.Seed);
        var corrupt = BenchTokens.Random(model, s.Batch, s.Sequence, s.Seed + 1);
        double? loadBefore = MachineInfo.LoadAverage();
        string? peerSkipped = s.PeerPython is null ? "not asked for (--peer none)" : TorchPeer.Unavailable(s.PeerPython);

        var previous = Compute.Backend;
        Compute.Backend = new ManagedBackend(s.Threads);
        try
        {
            ForwardBenchmark.MemoryResult? memory = null;
            if (s.Measures(BenchModes.FullCache)) { progress("full-cache memory"); memory = ForwardBenchmark.FullCacheMemory(model, clean); }
            Round? ours = null;
            TorchPeer.Run? peer = null;
            // Rounds alternate the two engines so that both see the same changes in the machine's load; each keeps its best.
            for (int round = 1; round <= s.Rounds; round++)
            {
                var mine = OurRound(model, clean, corrupt, s, step => progress($"round {round}/{s.Rounds}: {step}"));
                ours = ours is null ? mine : Best(ours, mine);
                if (peerSkipped != null) continue;
                progress($"round {round}/{s.Rounds}: PyTorch peer");
                var run = TorchPeer.Execute(s.PeerPython!, s.ModelDirectory, clean, corrupt, s);
                peer = peer is null ? run : run with { Result = TorchPeer.Best(peer.Result, run.Result) };
            }
            IReadOnlyList<GemmBenchmark.Result> gemm = Array.Empty<GemmBenchmark.Result>();
            if (s.Measures(BenchModes.Gemm))
            {
                progress("matrix multiply");
                // As many samples as a forward mode gets over all rounds, managed and OpenBLAS alternating within each.
                gemm = GemmBenchmark.Run(GemmBenchmark.ShapesFor(model.Config, s.Batch, s.Sequence), s.Threads, s.Repetitions * s.Rounds);
            }
            var ourLast = model.Forward(clean, new ForwardOptions { LastPositionOnly = true }).Data;
            return new BenchResult
            {
                Model = model.Name, Engine = Verification.Torch.EngineChoice.Current.Describe(Compute.Backend.Name), Settings = s, Machine = MachineInfo.Current(), LoadBefore = loadBefore, LoadAfter = MachineInfo.LoadAverage(),
                Modes = ours!.Modes, Memory = memory, Sweep = ours.Sweep, SweepResumed = ours.Resumed, Gemm = gemm,
                Peer = peer?.Result, PeerSkipped = peerSkipped,
                PeerMaxLogitDifference = peer is null ? null : MaxAbsDifference(ourLast, peer.LastLogits),
            };
        }
        finally
        {
            Compute.Backend = previous;
        }
    }

    private sealed record Round(Dictionary<ForwardMode, ForwardBenchmark.ModeResult> Modes, PatchingSweepBenchmark.Result? Sweep, PatchingSweepBenchmark.Result? Resumed);

    private static Round OurRound(HookedTransformer model, Tokens clean, Tokens corrupt, BenchSettings s, Action<string> progress)
    {
        var modes = new Dictionary<ForwardMode, ForwardBenchmark.ModeResult>();
        foreach (var mode in s.ForwardModes)
        {
            progress(mode.Label);
            modes[mode] = ForwardBenchmark.Time(model, clean, mode, s.Repetitions);
        }
        if (!s.Measures(BenchModes.Sweep)) return new Round(modes, null, null);
        progress($"patching sweeps ({model.Config.NLayers * model.Config.NHeads} forwards each)");
        var (sweep, resumed) = PatchingSweepBenchmark.Time(model, clean, corrupt, s.SweepRepetitions);
        return new Round(modes, sweep, resumed);
    }

    private static Round Best(Round a, Round b)
    {
        var modes = a.Modes.Keys.ToDictionary(m => m, m => a.Modes[m].TokensPerSecond >= b.Modes[m].TokensPerSecond ? a.Modes[m] : b.Modes[m]);
        return new Round(modes,
            Faster(a.Sweep, b.Sweep), Faster(a.Resumed, b.Resumed));
    }

    private static PatchingSweepBenchmark.Result? Faster(PatchingSweepBenchmark.Result? a, PatchingSweepBenchmark.Result? b)
    {
        if (a is null || b is null) return a ?? b;
        return a.ForwardsPerSecond >= b.ForwardsPerSecond ? a : b;
    }

    private static double MaxAbsDifference(float[] ours, float[] theirs)
    {
        if (ours.Length != theirs.Length)
            throw new InvalidOperationException($"the peer returned {theirs.Length} last-position logits, we have {ours.Length}");
        double worst = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            double d = Math.Abs((double)ours[i] - theirs[i]);
            if (!(d <= worst)) worst = d; // NaN counts as the worst
        }
        return worst;
    }
}
