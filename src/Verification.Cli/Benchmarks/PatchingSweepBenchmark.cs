using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Tensors;

namespace Verification.Cli.Benchmarks;

/// <summary>
/// Activation patching over every head: a clean run caches hook_z, then for each (layer, head) one forward of the
/// corrupted batch with that head's hook_z patched from the clean run, logits at the last position only.
/// Full: every forward starts from the tokens. Resumed: one corrupted run caches each block's hook_resid_pre and every
/// patched forward starts at the patched layer (HookedTransformer.RunFrom), the layers before being unchanged.
/// </summary>
public static class PatchingSweepBenchmark
{
    public sealed record Result(double ForwardsPerSecond, int Forwards, double Seconds);

    public static (Result Full, Result Resumed) Time(HookedTransformer model, Tokens clean, Tokens corrupt, int repetitions)
    {
        int layers = model.Config.NLayers, forwards = layers * model.Config.NHeads;
        var (_, cache) = model.RunWithCache(clean, n => n.EndsWith(".attn.hook_z", StringComparison.Ordinal));
        var cleanZ = Enumerable.Range(0, layers).Select(l => cache.Z(l)).ToArray();
        // Warm up on one patched forward, not a whole sweep.
        void WarmUp() => model.Run(corrupt, Options(0, 0, cleanZ));
        double full = Timing.BestSeconds(() => Full(model, corrupt, cleanZ), repetitions, WarmUp);
        double resumed = Timing.BestSeconds(() => Resumed(model, corrupt, cleanZ), repetitions, WarmUp);
        return (new Result(forwards / full, forwards, full), new Result(forwards / resumed, forwards, resumed));
    }

    private static void Full(HookedTransformer model, Tokens corrupt, Tensor[] cleanZ)
    {
        for (int l = 0; l < cleanZ.Length; l++)
            for (int h = 0; h < model.Config.NHeads; h++)
                model.Run(corrupt, Options(l, h, cleanZ));
    }

    private static void Resumed(HookedTransformer model, Tokens corrupt, Tensor[] cleanZ)
    {
        // Blocks 0..L-2 cache their inputs; what they return is the last block's input.
        int last = cleanZ.Length - 1;
        var (lastResidPre, cache) = model.Run(corrupt, new ForwardOptions
        {
            CacheFilter = n => n.EndsWith(".hook_resid_pre", StringComparison.Ordinal), StopAtLayer = last,
        });
        for (int l = 0; l <= last; l++)
            for (int h = 0; h < model.Config.NHeads; h++)
                model.RunFrom(l, l < last ? cache!.ResidPre(l) : lastResidPre, Options(l, h, cleanZ));
    }

    private static ForwardOptions Options(int layer, int head, Tensor[] cleanZ) =>
        new() { Hooks = new[] { Patch.Head(HookNames.Z(layer), head, cleanZ[layer]) }, LastPositionOnly = true };
}
