using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Tensors;

namespace Verification.Cli.Benchmarks;

/// <summary>
/// Activation patching over every head: a clean run caches hook_z, then for each (layer, head) one forward of the
/// corrupted batch with that head's hook_z patched from the clean run, logits at the last position only.
/// </summary>
public static class PatchingSweepBenchmark
{
    public sealed record Result(double ForwardsPerSecond, int Forwards, double Seconds);

    public static Result Time(HookedTransformer model, Tokens clean, Tokens corrupt, int repetitions)
    {
        int layers = model.Config.NLayers, heads = model.Config.NHeads;
        var (_, cache) = model.RunWithCache(clean, n => n.EndsWith(".attn.hook_z", StringComparison.Ordinal));
        var cleanZ = Enumerable.Range(0, layers).Select(l => cache.Z(l)).ToArray();
        // Warm up on one patched forward, not a whole sweep.
        double seconds = Timing.BestSeconds(() => Sweep(model, corrupt, cleanZ), repetitions, () => Patched(model, corrupt, cleanZ, 0, 0));
        return new Result(layers * heads / seconds, layers * heads, seconds);
    }

    private static void Sweep(HookedTransformer model, Tokens corrupt, Tensor[] cleanZ)
    {
        for (int l = 0; l < cleanZ.Length; l++)
            for (int h = 0; h < model.Config.NHeads; h++)
                Patched(model, corrupt, cleanZ, l, h);
    }

    private static void Patched(HookedTransformer model, Tokens corrupt, Tensor[] cleanZ, int layer, int head) =>
        model.Run(corrupt, new ForwardOptions { Hooks = new[] { Patch.Head(HookNames.Z(layer), head, cleanZ[layer]) }, LastPositionOnly = true });
}
