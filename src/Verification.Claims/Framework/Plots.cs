using Verification.Experiments;
using Verification.Lens;

namespace Verification.Claims.Framework;

/// <summary>Figures several claims draw.</summary>
public static class Plots
{
    public static HeatmapFigure LayerHeadHeatmap(string title, string? caption, int layers, int heads, Func<int, int, double> value, double? min = null, double? max = null) =>
        new(title, caption,
            Enumerable.Range(0, layers).Select(l => $"layer {l}").ToArray(),
            Enumerable.Range(0, heads).Select(h => $"H{h}").ToArray(),
            Enumerable.Range(0, layers).Select(l => Enumerable.Range(0, heads).Select(h => value(l, h)).ToArray()).ToArray(),
            min, max, "layer", "head");

    /// <summary>One head's attention pattern on the first sequence of <paramref name="tokens"/>: queries down, keys across.</summary>
    public static HeatmapFigure AttentionPattern(HookedTransformer model, Tokens tokens, int layer, int head, string title)
    {
        var one = tokens.Slice(0, 1);
        var pattern = HeadScores.PatternsOnly(model, one).Pattern(layer);
        int t = one.Length;
        var labels = Enumerable.Range(0, t).Select(i => i.ToString()).ToArray();
        var values = Enumerable.Range(0, t).Select(q => Enumerable.Range(0, t).Select(k => (double)pattern.Data[(head * t + q) * t + k]).ToArray()).ToArray();
        return new HeatmapFigure(title, "query position (rows) attending to key position (columns)", labels, labels, values, 0, 1, "query position", "key position");
    }
}
