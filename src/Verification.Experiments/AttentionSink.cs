using Verification.Lens;

namespace Verification.Experiments;

/// <summary>Attention to the first position (BOS) on natural text: the attention-sink measurements.</summary>
public static class AttentionSink
{
    /// <summary>
    /// Windows of tokenized text, each BOS + tokens[i·stride .. i·stride + windowTokens − 1), as the fixtures' references define them.
    /// </summary>
    public static Tokens NaturalTextWindows(HookedTransformer model, string text, int windows, int windowTokens, int stride)
    {
        var tokenizer = model.Tokenizer ?? throw new InvalidOperationException($"model '{model.Name}' has no tokenizer to read natural text with");
        int bos = model.BosTokenId ?? throw new InvalidOperationException($"model '{model.Name}' has no BOS token");
        var ids = tokenizer.Encode(text);
        int body = windowTokens - 1;
        if ((windows - 1) * stride + body > ids.Count)
            throw new ArgumentException($"text of {ids.Count} tokens is too short for {windows} windows of {windowTokens} at stride {stride}");
        var rows = new List<int[]>();
        for (int i = 0; i < windows; i++)
        {
            var row = new int[windowTokens];
            row[0] = bos;
            for (int j = 0; j < body; j++) row[j + 1] = ids[i * stride + j];
            rows.Add(row);
        }
        return Tokens.FromRows(rows);
    }

    /// <summary>
    /// Windows of BOS + (windowTokens − 1) text tokens in which no token id occurs twice, so an induction head's input (an
    /// earlier copy of the current token) is absent: walking the text in order, a token is kept when it is not yet in the
    /// current window and skipped otherwise; a full window closes and the next starts where the walk stands.
    /// </summary>
    public static Tokens RepeatFreeWindows(HookedTransformer model, string text, int windows, int windowTokens)
    {
        var tokenizer = model.Tokenizer ?? throw new InvalidOperationException($"model '{model.Name}' has no tokenizer to read natural text with");
        int bos = model.BosTokenId ?? throw new InvalidOperationException($"model '{model.Name}' has no BOS token");
        var ids = tokenizer.Encode(text);
        var rows = new List<int[]>();
        int at = 0;
        for (int w = 0; w < windows; w++)
        {
            var row = new List<int> { bos };
            var seen = new HashSet<int> { bos };
            while (row.Count < windowTokens && at < ids.Count)
            {
                int id = ids[at++];
                if (seen.Add(id)) row.Add(id);
            }
            if (row.Count < windowTokens)
                throw new ArgumentException($"text of {ids.Count} tokens is too short for {windows} repeat-free windows of {windowTokens} tokens");
            rows.Add(row.ToArray());
        }
        return Tokens.FromRows(rows);
    }

    /// <summary>Per [layer, head]: mean attention to position 0 over query positions 1..T−1 and the batch.</summary>
    public static double[,] MeanAttentionToFirstPosition(HookedTransformer model, Tokens tokens, int chunk = 8)
    {
        int layers = model.Config.NLayers, heads = model.Config.NHeads, t = tokens.Length;
        var sums = new double[layers, heads];
        foreach (var (_, part, cache) in HeadScores.PatternChunks(model, tokens, chunk))
        {
            for (int l = 0; l < layers; l++)
            {
                var p = cache.Pattern(l).Data;
                for (int b = 0; b < part.Batch; b++)
                    for (int h = 0; h < heads; h++)
                        for (int q = 1; q < t; q++)
                            sums[l, h] += p[((b * heads + h) * t + q) * t];
            }
        }
        for (int l = 0; l < layers; l++)
            for (int h = 0; h < heads; h++)
                sums[l, h] /= tokens.Batch * (t - 1.0);
        return sums;
    }
}
