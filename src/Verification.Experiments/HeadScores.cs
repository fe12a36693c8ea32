using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Tensors;

namespace Verification.Experiments;

/// <summary>Per-head attention statistics on repeated random tokens.</summary>
public sealed record HeadScore(int Layer, int Head, double Induction, double PreviousToken, double DuplicateToken, double Bos);

/// <summary>
/// Head detectors on repeated random tokens of length N (BOS at 0, first copy at 1..N, second at N+1..2N):
/// induction = mean attention from i+N to i+1 (i = 1..N), previous_token = mean attention from i to i-1 (i = 1..2N),
/// duplicate_token = mean attention from i+N to i (i = 1..N), bos = mean attention to position 0 over queries 1..2N.
/// Means are over the batch too, accumulated in double.
/// </summary>
public static class HeadScores
{
    public static IReadOnlyList<HeadScore> Compute(HookedTransformer model, Tokens tokens, int n, int chunk = 16) =>
        FromChunks(model, tokens, n, PatternChunks(model, tokens, chunk));

    /// <summary>The scores from patterns already computed for <paramref name="tokens"/> (see <see cref="PatternChunks"/>).</summary>
    public static IReadOnlyList<HeadScore> FromChunks(HookedTransformer model, Tokens tokens, int n,
        IEnumerable<(int Start, Tokens Part, ActivationCache Patterns)> chunks)
    {
        if (tokens.Length != 2 * n + 1) throw new ArgumentException($"tokens of length {tokens.Length} are not BOS + 2x{n}");
        int layers = model.Config.NLayers, heads = model.Config.NHeads;
        var sums = new double[layers, heads, 4];
        foreach (var (_, _, cache) in chunks)
            for (int l = 0; l < layers; l++)
                Accumulate(cache.Pattern(l), n, l, sums);
        var result = new List<HeadScore>();
        for (int l = 0; l < layers; l++)
            for (int h = 0; h < heads; h++)
                result.Add(new HeadScore(l, h,
                    sums[l, h, 0] / (tokens.Batch * n), sums[l, h, 1] / (tokens.Batch * 2 * n),
                    sums[l, h, 2] / (tokens.Batch * n), sums[l, h, 3] / (tokens.Batch * 2 * n)));
        return result;
    }

    /// <summary>
    /// The batch in chunks of at most <paramref name="chunk"/> sequences with each chunk's attention patterns, so memory stays
    /// bounded however large the batch (Start is the chunk's first row in <paramref name="tokens"/>).
    /// </summary>
    public static IEnumerable<(int Start, Tokens Part, ActivationCache Patterns)> PatternChunks(HookedTransformer model, Tokens tokens, int chunk = 16)
    {
        for (int start = 0; start < tokens.Batch; start += chunk)
        {
            var part = tokens.Slice(start, Math.Min(chunk, tokens.Batch - start));
            yield return (start, part, PatternsOnly(model, part));
        }
    }

    /// <summary>Attention patterns of every layer, without computing logits.</summary>
    public static ActivationCache PatternsOnly(HookedTransformer model, Tokens tokens) =>
        model.Run(tokens, new ForwardOptions
        {
            CacheFilter = name => name.EndsWith("hook_pattern", StringComparison.Ordinal),
            StopAtLayer = model.Config.NLayers,
        }).Cache!;

    private static void Accumulate(Tensor pattern, int n, int layer, double[,,] sums) // pattern [batch, head, q, k]
    {
        int batch = pattern.Shape[0], heads = pattern.Shape[1], t = pattern.Shape[2];
        var p = pattern.Data;
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
            {
                int off = (b * heads + h) * t * t;
                double ind = 0, prev = 0, dup = 0, bos = 0;
                for (int i = 1; i <= n; i++)
                {
                    ind += p[off + (i + n) * t + i + 1];
                    dup += p[off + (i + n) * t + i];
                }
                for (int i = 1; i <= 2 * n; i++)
                {
                    prev += p[off + i * t + i - 1];
                    bos += p[off + i * t];
                }
                sums[layer, h, 0] += ind; sums[layer, h, 1] += prev; sums[layer, h, 2] += dup; sums[layer, h, 3] += bos;
            }
    }
}
