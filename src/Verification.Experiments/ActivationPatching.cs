using Verification.Lens;
using Verification.Lens.Hooks;

namespace Verification.Experiments;

/// <summary>A clean/corrupted pair of batches with, per sequence, the clean answer (correct) and the corrupted one (wrong).</summary>
public sealed record PatchingTask(Tokens Clean, Tokens Corrupted, int[] Correct, int[] Wrong)
{
    public void Validate()
    {
        if (Clean.Batch != Corrupted.Batch || Clean.Length != Corrupted.Length)
            throw new ArgumentException($"clean [{Clean.Batch}, {Clean.Length}] and corrupted [{Corrupted.Batch}, {Corrupted.Length}] batches differ in shape");
        if (Correct.Length != Clean.Batch || Wrong.Length != Clean.Batch)
            throw new ArgumentException($"{Correct.Length} correct / {Wrong.Length} wrong answers for a batch of {Clean.Batch}");
    }
}

/// <summary>Patching results: the clean and corrupted mean logit diffs and the normalised maps (0 = corrupted, 1 = clean).</summary>
/// <param name="Heads">[layer, head]: hook_z of that head patched from the clean run (all zero when not computed).</param>
/// <param name="Positions">[layer, position]: blocks.L.hook_resid_pre at that position patched from the clean run (null when not computed).</param>
public sealed record PatchingMaps(double CleanLogitDiff, double CorruptedLogitDiff, double[,] Heads, double[,]? Positions)
{
    public double Head(HeadRef h) => Heads[h.Layer, h.Head];

    /// <summary>The head with the largest effect in a layer.</summary>
    public HeadRef TopHeadInLayer(int layer) =>
        new(layer, Enumerable.Range(0, Heads.GetLength(1)).MaxBy(h => Heads[layer, h]));

    /// <summary>The head with the largest effect overall.</summary>
    public HeadRef TopHead() =>
        Enumerable.Range(0, Heads.GetLength(0)).Select(TopHeadInLayer).MaxBy(h => Heads[h.Layer, h.Head])!;
}

/// <summary>
/// Activation patching as TransformerLens tutorials do it: run the clean batch once caching hook_z (and hook_resid_pre),
/// then one corrupted forward per patched component over the whole batch, and score the mean last-position logit diff
/// (correct − wrong) as (patched − corrupted) / (clean − corrupted). When clean and corrupted score the same the ratio is
/// undefined and comes out infinite or NaN: the task then does not separate the two runs.
/// </summary>
public static class ActivationPatching
{
    public static PatchingMaps Run(HookedTransformer model, PatchingTask task, bool heads = true, bool positions = false)
    {
        task.Validate();
        int layers = model.Config.NLayers, nHeads = model.Config.NHeads, vocab = model.Config.DVocab, t = task.Clean.Length;
        var (cleanLogits, cache) = model.Run(task.Clean, new ForwardOptions
        {
            LastPositionOnly = true,
            CacheFilter = n => (heads && n.EndsWith("attn.hook_z", StringComparison.Ordinal)) || (positions && n.EndsWith("hook_resid_pre", StringComparison.Ordinal)),
        });
        double clean = MeanDiff(cleanLogits.Data, vocab, task);
        // The corrupted run's residual stream before each block: a patch in layer l changes nothing before it, so each
        // patched forward resumes there (TransformerLens's start_at_layer) instead of recomputing the earlier layers.
        var (corruptedLogits, corruptedCache) = model.Run(task.Corrupted, new ForwardOptions
        {
            LastPositionOnly = true,
            CacheFilter = n => n.EndsWith("hook_resid_pre", StringComparison.Ordinal),
        });
        double corrupted = MeanDiff(corruptedLogits.Data, vocab, task);
        double Normalised(int layer, Hook hook)
        {
            var logits = model.RunFrom(layer, corruptedCache!.ResidPre(layer), new ForwardOptions { Hooks = new[] { hook }, LastPositionOnly = true }).Output;
            return (MeanDiff(logits.Data, vocab, task) - corrupted) / (clean - corrupted);
        }

        var headMap = new double[layers, nHeads];
        for (int l = 0; l < layers && heads; l++)
            for (int h = 0; h < nHeads; h++)
                headMap[l, h] = Normalised(l, Patch.Head(HookNames.Z(l), h, cache!.Z(l)));
        double[,]? posMap = null;
        if (positions)
        {
            posMap = new double[layers, t];
            for (int l = 0; l < layers; l++)
                for (int p = 0; p < t; p++)
                    posMap[l, p] = Normalised(l, Patch.Position(HookNames.ResidPre(l), p, cache!.ResidPre(l)));
        }
        return new PatchingMaps(clean, corrupted, headMap, posMap);
    }

    private static double MeanDiff(float[] logits, int vocab, PatchingTask task) =>
        LogitDifference.PerSequence(logits, vocab, task.Correct, task.Wrong).Average();
}
