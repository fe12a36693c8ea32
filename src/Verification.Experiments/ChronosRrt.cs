using Verification.Lens;
using Verification.Lens.T5;
using Verification.Loading.Config;

namespace Verification.Experiments;

/// <summary>Which attention of a T5 a head belongs to: encoder self-attention, decoder self-attention, or cross-attention.</summary>
public enum T5AttentionKind { Encoder, Decoder, Cross }

/// <summary>
/// One head's scores under the Chronos induction rule [003], over a batch: the mean attention of the query to the most
/// recent earlier occurrence of its token (<see cref="Current"/>) and to the token after it (<see cref="Next"/>).
/// <see cref="Score"/> is the larger mean, as the document's own code reads its two mosaics ("current token", "token to the right").
/// </summary>
public sealed record ChronosHeadScore(T5AttentionKind Kind, int Layer, int Head, double Current, double Next, double CurrentSe, double NextSe)
{
    public double Score => Math.Max(Current, Next);
    public double StandardError => Current >= Next ? CurrentSe : NextSe;
    public bool IsInduction => Score >= ChronosInduction.Threshold;
    public string Label => $"{KindName(Kind)} L{Layer}H{Head}";

    public static string KindName(T5AttentionKind k) => k switch { T5AttentionKind.Encoder => "enc", T5AttentionKind.Decoder => "dec", _ => "cross" };
    public static string KindTitle(T5AttentionKind k) => k switch
    {
        T5AttentionKind.Encoder => "encoder self-attention", T5AttentionKind.Decoder => "decoder self-attention", _ => "cross-attention",
    };
}

/// <summary>
/// The repeated-random-token (RRT) protocol of [003] for a T5: <see cref="Length"/> ids drawn uniformly from
/// [<see cref="Low"/>, <see cref="High"/>], repeated <see cref="Repetitions"/> times, then the first id again, then EOS
/// ("ABCDEFGHIJABCDEFGHIJA&lt;EOS&gt;"); the decoder gets the start token and the id that follows ("&lt;DEC_START&gt;B").
/// </summary>
public sealed record ChronosRrtProtocol(int Length, int Repetitions, int Batch, ulong Seed, int Low, int High, int Eos, int DecoderStart, string Range)
{
    public string Describe() =>
        $"{Length} ids uniform in {Low}..{High} ({Range}) × {Repetitions}, then the first again, then EOS ({Eos}); decoder <start {DecoderStart}> + the next id; " +
        $"batch {Batch}; seed {Seed} (xoshiro256**)";

    /// <summary>
    /// The protocol on <paramref name="config"/>: a Chronos model (chronos_config, vocabulary above 2187) draws from the
    /// document's range, <paramref name="low"/> (1910 by default; the document also gives 1911) to 2187; any other T5 from
    /// its own ids above the special tokens (ours: the document's range is Chronos's value tokens).
    /// </summary>
    public static ChronosRrtProtocol For(T5Config config, int length, int repetitions, int batch, ulong seed, int? low = null)
    {
        if (length < 2) throw new ArgumentException($"length {length}: the decoder needs the token after the first (length ≥ 2)");
        if (repetitions < 1 || batch < 1) throw new ArgumentException($"repetitions {repetitions} and batch {batch} must be positive");
        int eos = config.EosTokenId, start = config.DecoderStartTokenId;
        if (config.Chronos != null && config.VocabSize > ChronosInduction.RangeHigh)
            return new ChronosRrtProtocol(length, repetitions, batch, seed, low ?? ChronosInduction.RangeLow, ChronosInduction.RangeHigh, eos, start,
                "the document's range: the value tokens Chronos's mean scaling produces");
        int first = new[] { config.PadTokenId, eos, start }.Max() + 1;
        if (config.VocabSize - first < 2) throw new ArgumentException($"vocabulary of {config.VocabSize} has too few ordinary ids for random tokens");
        return new ChronosRrtProtocol(length, repetitions, batch, seed, first, config.VocabSize - 1, eos, start,
            "ours: every id above the special tokens, as the model has no chronos_config");
    }
}

/// <summary>
/// Runs the RRT protocol on a T5 and scores every head of the three attentions with the document's rule:
/// encoder self-attention from the final repeated token (the one before EOS, never EOS), cross-attention from the
/// decoder's B to the encoder's most recent B, and (ours: the document runs RRT on the encoder side only) decoder
/// self-attention on the same ids fed to the decoder after its start token, from its final repeated token.
/// </summary>
public static class ChronosRrt
{
    /// <summary>The batch: encoder rows, the document's decoder rows (start, B) and the decoder-self rows (start + the encoder's ids without EOS).</summary>
    public sealed record Batch(int[][] Encoder, int[][] Decoder, int[][] DecoderSelf);

    public static Batch Generate(ChronosRrtProtocol p)
    {
        var rng = new SeededRandom(p.Seed);
        var enc = new int[p.Batch][];
        var dec = new int[p.Batch][];
        var self = new int[p.Batch][];
        for (int b = 0; b < p.Batch; b++)
        {
            enc[b] = ChronosInduction.RepeatedTokens(rng, p.Length, p.Repetitions, p.Eos, p.Low, p.High);
            dec[b] = new[] { p.DecoderStart, enc[b][1] };
            self[b] = enc[b][..^1].Prepend(p.DecoderStart).ToArray();
        }
        return new Batch(enc, dec, self);
    }

    /// <summary>Every head's scores (encoder, decoder, cross-attention; by layer and head), over the batch in chunks of <paramref name="chunk"/>.</summary>
    public static IReadOnlyList<ChronosHeadScore> Scores(HookedEncoderDecoder model, ChronosRrtProtocol p, int chunk = 16)
    {
        var batch = Generate(p);
        var c = model.Config;
        var acc = new Accumulator();
        static bool WantFirst(string n) => (n.StartsWith("encoder.", StringComparison.Ordinal) && n.EndsWith(".attn.hook_pattern", StringComparison.Ordinal))
                                           || n.EndsWith(".cross_attn.hook_pattern", StringComparison.Ordinal);
        static bool WantSelf(string n) => n.StartsWith("decoder.", StringComparison.Ordinal) && n.EndsWith(".attn.hook_pattern", StringComparison.Ordinal);
        for (int s = 0; s < p.Batch; s += chunk)
        {
            int n = Math.Min(chunk, p.Batch - s);
            var enc = Tokens.FromRows(batch.Encoder[s..(s + n)]);
            var (_, first) = model.RunWithCache(new EncoderDecoderInput(enc, Tokens.FromRows(batch.Decoder[s..(s + n)])), WantFirst);
            var (_, second) = model.RunWithCache(new EncoderDecoderInput(enc, Tokens.FromRows(batch.DecoderSelf[s..(s + n)])), WantSelf);
            for (int i = 0; i < n; i++)
            {
                var encIds = batch.Encoder[s + i];
                int q = ChronosInduction.QueryOf(encIds, p.Eos);
                int m = MostRecentBefore(encIds, q, encIds[q]);
                for (int l = 0; l < c.NumLayers; l++)
                    acc.AddRow(T5AttentionKind.Encoder, l, first[T5HookNames.Pattern("encoder", l)], i, q, m);
                // Cross: the decoder's B (position 1) and the encoder's most recent B before EOS.
                int b = batch.Decoder[s + i][1];
                int mb = MostRecentBefore(encIds, encIds.Length - 1, b);
                for (int l = 0; l < c.NumDecoderLayers; l++)
                    acc.AddRow(T5AttentionKind.Cross, l, first[T5HookNames.Pattern("decoder", l, cross: true)], i, 1, mb);
                var selfIds = batch.DecoderSelf[s + i];
                int qd = selfIds.Length - 1;
                int md = MostRecentBefore(selfIds, qd, selfIds[qd]);
                for (int l = 0; l < c.NumDecoderLayers; l++)
                    acc.AddRow(T5AttentionKind.Decoder, l, second[T5HookNames.Pattern("decoder", l)], i, qd, md);
            }
        }
        return acc.Result();
    }

    /// <summary>The last position before <paramref name="before"/> holding <paramref name="token"/>.</summary>
    public static int MostRecentBefore(IReadOnlyList<int> ids, int before, int token)
    {
        for (int t = before - 1; t >= 0; t--) if (ids[t] == token) return t;
        throw new ArgumentException($"token {token} does not occur before position {before}");
    }

    /// <summary>Sums of the two attention values per head (and their squares, for standard errors) over the rows seen.</summary>
    public sealed class Accumulator
    {
        private readonly Dictionary<(T5AttentionKind, int, int), double[]> _sums = new();

        /// <summary>Adds row <paramref name="query"/> of batch item <paramref name="b"/> of a [batch, head, q, k] pattern, at keys m and m + 1.</summary>
        public void AddRow(T5AttentionKind kind, int layer, Verification.Tensors.Tensor pattern, int b, int query, int m)
        {
            int heads = pattern.Shape[1], qn = pattern.Shape[2], kn = pattern.Shape[3];
            for (int h = 0; h < heads; h++)
            {
                int row = ((b * heads + h) * qn + query) * kn;
                double cur = pattern.Data[row + m], next = m + 1 < kn ? pattern.Data[row + m + 1] : 0;
                Add(kind, layer, h, cur, next);
            }
        }

        public void Add(T5AttentionKind kind, int layer, int head, double current, double next)
        {
            if (!_sums.TryGetValue((kind, layer, head), out var s)) _sums[(kind, layer, head)] = s = new double[5];
            s[0] += current; s[1] += current * current; s[2] += next; s[3] += next * next; s[4]++;
        }

        public IReadOnlyList<ChronosHeadScore> Result() =>
            _sums.OrderBy(kv => kv.Key.Item1).ThenBy(kv => kv.Key.Item2).ThenBy(kv => kv.Key.Item3).Select(kv =>
            {
                var s = kv.Value;
                double n = s[4], mc = s[0] / n, mn = s[2] / n;
                return new ChronosHeadScore(kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, mc, mn, Se(s[1], mc, n), Se(s[3], mn, n));
            }).ToList();

        private static double Se(double sumSq, double mean, double n) => n > 1 ? Math.Sqrt(Math.Max(0, (sumSq / n - mean * mean) * n / (n - 1)) / n) : 0;
    }
}
