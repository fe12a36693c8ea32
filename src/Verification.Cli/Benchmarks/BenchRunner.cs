using Verification.Lens;
using Verification.Lens.Weights;
using Verification.Tensors.Backends;

namespace Verification.Cli.Benchmarks;

/// <summary>One benchmark run: our engine in this process on <see cref="BenchSettings.Threads"/> threads, then the PyTorch peer.</summary>
public static class BenchRunner
{
    public static BenchResult Run(BenchSettings s, Action<string> progress)
    {
        s.Validate();
        // Raw weights: the peer runs the files as they are, so both compute the same thing.
        var model = ModelLoader.Load(s.ModelDirectory, WeightProcessingOptions.None);
        if (s.Sequence > model.Config.NCtx)
            throw new ArgumentException($"--seq {s.Sequence} is longer than the model's context of {model.Config.NCtx}");
        var clean = BenchTokens.Random(model, s.Batch, s.Sequence, s.Seed);
        var corrupt = BenchTokens.Random(model, s.Batch, s.Sequence, s.Seed + 1);
        double? loadBefore = MachineInfo.LoadAverage();

        var previous = Compute.Backend;
        Compute.Backend = new ManagedBackend(s.Threads);
        try
        {
            progress("full-cache memory");
            var memory = ForwardBenchmark.FullCacheMemory(model, clean);
            var modes = new Dictionary<ForwardMode, ForwardBenchmark.ModeResult>();
            foreach (var mode in ForwardMode.All)
            {
                progress(mode.Label);
                modes[mode] = ForwardBenchmark.Time(model, clean, mode, s.Repetitions);
            }
            progress($"patching sweep ({model.Config.NLayers * model.Config.NHeads} forwards)");
            var (sweep, resumed) = PatchingSweepBenchmark.Time(model, clean, corrupt, s.SweepRepetitions);
            progress("matrix multiply");
            var gemm = GemmBenchmark.Run(GemmBenchmark.ShapesFor(model.Config, s.Batch, s.Sequence), s.Threads, s.Repetitions);
            var ourLast = model.Forward(clean, new ForwardOptions { LastPositionOnly = true }).Data;

            var result = new BenchResult
            {
                Model = model.Name, Settings = s, Machine = MachineInfo.Current(), LoadBefore = loadBefore,
                Modes = modes, Memory = memory, Sweep = sweep, SweepResumed = resumed, Gemm = gemm,
            };
            if (s.PeerPython is null) return result with { PeerSkipped = "not asked for (--peer none)", LoadAfter = MachineInfo.LoadAverage() };
            if (TorchPeer.Unavailable(s.PeerPython) is { } why) return result with { PeerSkipped = why, LoadAfter = MachineInfo.LoadAverage() };
            progress("PyTorch peer");
            var peer = TorchPeer.Execute(s.PeerPython, s.ModelDirectory, clean, corrupt, s);
            return result with { Peer = peer.Result, PeerMaxLogitDifference = MaxAbsDifference(ourLast, peer.LastLogits), LoadAfter = MachineInfo.LoadAverage() };
        }
        finally
        {
            Compute.Backend = previous;
        }
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
