using Verification.Lens;
using Verification.Tensors;

namespace Verification.Experiments;

/// <summary>
/// One head's mean attention by how far back the key is: ByOffset[d] = attention from query q to key q − d (0 = itself,
/// 1 = previous, ...), over queries q ≥ maxOffset + 1 so that no offset lands on BOS, and Bos = attention to position 0 over
/// the same queries; means and standard errors are over sequences. MeanPattern is the batch-mean [query][key] pattern.
/// </summary>
public sealed record OffsetProfile(int Layer, int Head, double[] ByOffset, double[] ByOffsetSe, double Bos, double BosSe, double[][] MeanPattern)
{
    public string Label => $"L{Layer}H{Head}";

    /// <summary>The offset with the most attention (BOS not counted as an offset).</summary>
    public int PeakOffset => Array.IndexOf(ByOffset, ByOffset.Max());

    public string Describe() =>
        string.Join(", ", ByOffset.Select((v, d) => $"{d}: {v:F3}")) + $", BOS: {Bos:F3}";
}

/// <summary>Averaged attention patterns of one layer's heads, read as attention by offset.</summary>
public static class AttentionByOffset
{
    /// <summary>Profiles of every head of <paramref name="layer"/> on the batch (runs only up to that layer, in chunks).</summary>
    public static IReadOnlyList<OffsetProfile> Measure(HookedTransformer model, Tokens tokens, int layer, int maxOffset, int chunk = 32)
    {
        if ((uint)layer >= (uint)model.Config.NLayers) throw new ArgumentOutOfRangeException(nameof(layer), $"layer {layer} outside 0..{model.Config.NLayers - 1}");
        var patterns = new List<Tensor>();
        for (int start = 0; start < tokens.Batch; start += chunk)
        {
            var part = tokens.Slice(start, Math.Min(chunk, tokens.Batch - start));
            var name = Lens.Hooks.HookNames.Pattern(layer);
            patterns.Add(model.Run(part, new ForwardOptions { CacheFilter = n => n == name, StopAtLayer = layer + 1 }).Cache![name]);
        }
        return Enumerable.Range(0, model.Config.NHeads).Select(h => FromPatterns(patterns, layer, h, maxOffset)).ToList();
    }

    /// <summary>The profile of one head from [batch, head, q, k] patterns (several chunks of the same batch).</summary>
    public static OffsetProfile FromPatterns(IReadOnlyList<Tensor> patterns, int layer, int head, int maxOffset)
    {
        if (patterns.Count == 0) throw new ArgumentException("no attention patterns");
        int heads = patterns[0].Shape[1], t = patterns[0].Shape[2];
        if (maxOffset < 0 || maxOffset + 1 >= t) throw new ArgumentException($"offsets 0..{maxOffset} need more than {maxOffset + 1} positions, the patterns have {t}");
        if ((uint)head >= (uint)heads) throw new ArgumentOutOfRangeException(nameof(head), $"head {head} outside 0..{heads - 1}");
        var perOffset = Enumerable.Range(0, maxOffset + 1).Select(_ => new List<double>()).ToArray();
        var bos = new List<double>();
        var mean = new double[t][];
        for (int q = 0; q < t; q++) mean[q] = new double[t];
        int sequences = 0, queries = t - (maxOffset + 1);
        foreach (var pattern in patterns)
        {
            var p = pattern.Data;
            for (int b = 0; b < pattern.Shape[0]; b++, sequences++)
            {
                int off = (b * heads + head) * t * t;
                for (int q = 0; q < t; q++)
                    for (int k = 0; k <= q; k++) mean[q][k] += p[off + q * t + k];
                for (int d = 0; d <= maxOffset; d++)
                {
                    double s = 0;
                    for (int q = maxOffset + 1; q < t; q++) s += p[off + q * t + q - d];
                    perOffset[d].Add(s / queries);
                }
                double sb = 0;
                for (int q = maxOffset + 1; q < t; q++) sb += p[off + q * t];
                bos.Add(sb / queries);
            }
        }
        foreach (var row in mean)
            for (int k = 0; k < t; k++) row[k] /= sequences;
        return new OffsetProfile(layer, head, perOffset.Select(x => x.Average()).ToArray(), perOffset.Select(x => Statistics.StandardError(x)).ToArray(),
            bos.Average(), Statistics.StandardError(bos), mean);
    }
}
