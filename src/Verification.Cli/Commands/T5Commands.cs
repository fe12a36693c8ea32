using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Verification.Experiments;
using Verification.Lens;
using Verification.Lens.T5;
using Verification.Loading.Tokenization;

namespace Verification.Cli.Commands;

/// <summary>The T5 (encoder-decoder) side of `inspect`, `heads` and `predict`: the same questions, asked of both stacks.</summary>
internal static class T5Commands
{
    public static void Inspect(CliConsole console, HookedEncoderDecoder m, ModelFiles files)
    {
        var c = m.Config;
        var table = new Table().NoBorder().HideHeaders().AddColumn("field").AddColumn("value");
        void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
        Row("Model", m.Name);
        Row("Directory", Path.GetFullPath(files.Directory));
        Row("Weights", $"{Path.GetFileName(files.WeightsPath)} ({files.Format}, {InspectCommand.FormatBytes(new FileInfo(files.WeightsPath).Length)})");
        Row("Config", "config.json (Hugging Face T5ForConditionalGeneration" + (c.Chronos != null ? ", with chronos_config)" : ")"));
        Row("Architecture", $"T5 encoder-decoder: {c.NumLayers} encoder + {c.NumDecoderLayers} decoder layers, d_model {c.DModel}, {c.NumHeads} heads of {c.DKv}, " +
                            $"d_ff {c.DFf} ({c.FeedForwardProj}), relative buckets {c.RelativeAttentionNumBuckets} / max distance {c.RelativeAttentionMaxDistance}, " +
                            $"vocab {c.VocabSize}, {(c.TieWordEmbeddings ? "tied embeddings" : "separate lm_head")}, eps {c.LayerNormEpsilon:G3}");
        Row("Parameters", $"{ParameterCount(m.Weights, c.TieWordEmbeddings):N0}");
        Row("Tokenizer", c.Chronos is { } ch
            ? $"Chronos {ch.TokenizerClass} ({ch.NTokens} tokens, {ch.NSpecialTokens} special, limits {ch.LowLimit:G}..{ch.HighLimit:G}, context {ch.ContextLength}, prediction {ch.PredictionLength})"
            : files.Tokenizer?.Description ?? "none found (token ids only)");
        Row("Special tokens", $"pad {c.PadTokenId}, EOS {c.EosTokenId}, decoder start {c.DecoderStartTokenId}");
        Row("Engine", $"{m.EngineName} on {m.DeviceName}");
        Row("Hook points", $"{m.HookPointNames.Count} (e.g. {string.Join(", ", m.HookPointNames.Where(n => n.StartsWith("decoder.0.cross_attn", StringComparison.Ordinal)).Take(3))})");
        console.Ansi.Write(table);
    }

    /// <summary>Every weight once (a tied lm_head is the shared embedding, not counted twice).</summary>
    public static long ParameterCount(T5Weights w, bool tied)
    {
        static long Attn(T5AttentionWeights? a) => a == null ? 0 : (long)a.Wq.Length + a.Wk.Length + a.Wv.Length + a.Wo.Length;
        static long Block(T5BlockWeights b) => b.Ln1.Length + Attn(b.SelfAttn) + (b.Ln2Cross?.Length ?? 0) + Attn(b.CrossAttn) + b.LnFf.Length
                                              + b.Ff.Wi0.Length + (b.Ff.Wi1?.Length ?? 0) + b.Ff.Wo.Length;
        return w.Shared.Length + w.EncoderRelativeBias.Length + w.DecoderRelativeBias.Length + w.Encoder.Sum(Block) + w.Decoder.Sum(Block)
               + w.EncoderFinalLn.Length + w.DecoderFinalLn.Length + (tied ? 0 : w.LmHead.Length);
    }

    /// <summary>`heads` on a T5: [003]'s repeated random tokens and induction rule, over encoder, decoder and cross-attention heads.</summary>
    public static void Heads(CliConsole console, HookedEncoderDecoder m, int batch, int length, int repetitions, ulong seed, FileInfo? json)
    {
        var protocol = ChronosRrtProtocol.For(m.Config, length, repetitions, batch, seed);
        var scores = ChronosRrt.Scores(m, protocol);
        var table = new Table().AddColumns("attention", "layer", "head", "current", "next", "score");
        foreach (var s in scores)
            table.AddRow(ChronosHeadScore.KindName(s.Kind), s.Layer.ToString(), s.Head.ToString(), $"{s.Current:F3}", $"{s.Next:F3}",
                s.IsInduction ? $"[bold]{s.Score:F3}[/]" : $"{s.Score:F3}");
        console.Ansi.MarkupLine($"[bold]{Markup.Escape(m.Name)}[/]: {Markup.Escape(protocol.Describe())}");
        console.Ansi.MarkupLine(Markup.Escape("current / next: mean attention of the query (encoder: the final repeated token; cross: the decoder's B; " +
                                              "decoder: the final repeated token of the same ids after <start>) to the latest earlier occurrence of its token / the token after it"));
        console.Ansi.Write(table);
        var induction = scores.Where(s => s.IsInduction).OrderByDescending(s => s.Score).ToList();
        console.Ansi.MarkupLine(Markup.Escape($"Induction heads (score ≥ {ChronosInduction.Threshold}, the rule of [003]): " +
                                              (induction.Count == 0 ? "none" : string.Join(", ", induction.Select(s => $"{s.Label} ({s.Score:F3})")))));
        if (json == null) return;
        var doc = new JsonObject
        {
            ["model"] = m.Name,
            ["protocol"] = new JsonObject
            {
                ["seed"] = protocol.Seed, ["batch"] = protocol.Batch, ["length"] = protocol.Length, ["repetitions"] = protocol.Repetitions,
                ["token_low"] = protocol.Low, ["token_high"] = protocol.High, ["eos"] = protocol.Eos, ["decoder_start"] = protocol.DecoderStart,
                ["threshold"] = ChronosInduction.Threshold, ["rng"] = "xoshiro256** (SeededRandom)", ["description"] = protocol.Describe(),
            },
            ["heads"] = new JsonArray(scores.Select(s => (JsonNode)new JsonObject
            {
                ["attention"] = ChronosHeadScore.KindName(s.Kind), ["layer"] = s.Layer, ["head"] = s.Head, ["current"] = s.Current,
                ["next"] = s.Next, ["score"] = s.Score, ["induction"] = s.IsInduction,
            }).ToArray()),
        };
        InputChecks.WriteText(json, "--json", doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>`predict` on a T5: the first decoder position's distribution (after the start token); Chronos ids also as values.</summary>
    public static void Predict(CliConsole console, AnyModel any, int[] encoderIds, float? scale, int k, FileInfo? json)
    {
        var m = any.EncoderDecoder!;
        var c = m.Config;
        foreach (var id in encoderIds)
            if (id >= c.VocabSize) throw new UsageException($"token id {id} is outside the vocabulary of {c.VocabSize}");
        var logits = m.Forward(new EncoderDecoderInput(Tokens.Single(encoderIds), Tokens.Single(new[] { c.DecoderStartTokenId })));
        var logProbs = HookedTransformer.LogSoftmax(logits).Data;
        var best = Enumerable.Range(0, logProbs.Length).OrderByDescending(i => logProbs[i]).ThenBy(i => i).Take(k).ToList();
        ChronosTokenizer? chronos = any.Chronos;
        double? Value(int id) => chronos != null && scale is { } s ? chronos.Decode(new[] { id }, s)[0] : null;

        console.Ansi.MarkupLine(Markup.Escape($"{m.Name}, encoder {encoderIds.Length} tokens ({string.Join(",", encoderIds.Take(12))}{(encoderIds.Length > 12 ? ",…" : "")})" +
                                              (scale is { } sc ? $", scale {sc:G6}" : "") + $"; decoder <start {c.DecoderStartTokenId}>: the next token"));
        var table = new Table().AddColumns(chronos != null && scale != null ? new[] { "rank", "token", "value", "logprob", "prob" } : new[] { "rank", "token", "logprob", "prob" });
        for (int r = 0; r < best.Count; r++)
        {
            var cells = new List<string> { (r + 1).ToString(), best[r].ToString() };
            if (Value(best[r]) is { } value) cells.Add(value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture));
            cells.Add($"{logProbs[best[r]]:F3}");
            cells.Add($"{Math.Exp(logProbs[best[r]]):P2}");
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        console.Ansi.Write(table);
        if (json == null) return;
        var doc = new JsonObject
        {
            ["model"] = m.Name,
            ["encoder_tokens"] = new JsonArray(encoderIds.Select(i => (JsonNode)i).ToArray()),
            ["decoder_tokens"] = new JsonArray(c.DecoderStartTokenId),
            ["top"] = new JsonArray(best.Select((id, r) => (JsonNode)new JsonObject
            {
                ["rank"] = r + 1, ["token"] = id, ["value"] = Value(id),
                ["logprob"] = logProbs[id], ["prob"] = Math.Exp(logProbs[id]),
            }).ToArray()),
        };
        if (scale is { } s2) doc["scale"] = s2;
        InputChecks.WriteText(json, "--json", doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
