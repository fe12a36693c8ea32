using System.Text.Json;

namespace Verification.Loading.Config;

/// <summary>
/// A Hugging Face T5 config (model_type "t5"), with the fields T5ForConditionalGeneration reads and their defaults,
/// plus Chronos's chronos_config when present.
/// </summary>
public sealed record T5Config
{
    public int VocabSize { get; init; }
    public int DModel { get; init; }
    public int DKv { get; init; }
    public int DFf { get; init; }
    public int NumLayers { get; init; }
    public int NumDecoderLayers { get; init; }
    public int NumHeads { get; init; }
    public int RelativeAttentionNumBuckets { get; init; } = 32;
    public int RelativeAttentionMaxDistance { get; init; } = 128;
    public double LayerNormEpsilon { get; init; } = 1e-6;
    /// <summary>"relu" or "gated-gelu" (HF also allows "gated-ACT" and "ACT").</summary>
    public string FeedForwardProj { get; init; } = "relu";
    public bool TieWordEmbeddings { get; init; } = true;
    public int DecoderStartTokenId { get; init; }
    public int PadTokenId { get; init; }
    public int EosTokenId { get; init; } = 1;
    public ChronosConfig? Chronos { get; init; }

    public bool IsGatedAct => FeedForwardProj.StartsWith("gated-", StringComparison.Ordinal);
    /// <summary>The activation: HF maps "gated-gelu" to gelu_new.</summary>
    public string DenseActFn
    {
        get
        {
            var act = IsGatedAct ? FeedForwardProj["gated-".Length..] : FeedForwardProj;
            return act == "gelu" && IsGatedAct ? "gelu_new" : act;
        }
    }
    public int InnerDim => DKv * NumHeads;
}

/// <summary>Chronos's chronos_config block of config.json (the fields the tokenizer needs).</summary>
public sealed record ChronosConfig
{
    public string TokenizerClass { get; init; } = "MeanScaleUniformBins";
    public double LowLimit { get; init; } = -15.0;
    public double HighLimit { get; init; } = 15.0;
    public int NTokens { get; init; }
    public int NSpecialTokens { get; init; } = 2;
    public int PadTokenId { get; init; }
    public int EosTokenId { get; init; } = 1;
    public bool UseEosToken { get; init; } = true;
    public int ContextLength { get; init; } = 512;
    public int PredictionLength { get; init; } = 64;
    public string ModelType { get; init; } = "seq2seq";
}

public static class T5ConfigReader
{
    /// <summary>
    /// Whether config.json says model_type "t5" (a T5 or Chronos model). Read as every loader reads (a regular file within
    /// the config limit, else ModelFormatException naming it); a file that is not JSON is not a T5 config (the
    /// decoder-only reader then says what is wrong with it).
    /// </summary>
    public static bool IsT5(string path)
    {
        string text = SafeFile.ReadAllText(path, LoadLimits.ConfigBytes, "config");
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("model_type", out var mt) && mt.ValueKind == JsonValueKind.String && mt.GetString() == "t5";
        }
        catch (JsonException) { return false; }
    }

    public static T5Config Read(string path)
    {
        JsonElement r;
        string text = SafeFile.ReadAllText(path, LoadLimits.ConfigBytes, "config");
        try
        {
            using var doc = JsonDocument.Parse(text);
            r = doc.RootElement.Clone();
        }
        catch (JsonException e) { throw new ModelFormatException(path, $"config is not valid JSON ({e.Message.Split('\n')[0]})"); }
        if (r.ValueKind != JsonValueKind.Object) throw new ModelFormatException(path, "config is not a JSON object");

        int numLayers = Int(path, r, "num_layers");
        var cfg = new T5Config
        {
            VocabSize = Int(path, r, "vocab_size"),
            DModel = Int(path, r, "d_model"),
            DKv = Int(path, r, "d_kv"),
            DFf = Int(path, r, "d_ff"),
            NumLayers = numLayers,
            NumDecoderLayers = OptInt(path, r, "num_decoder_layers") ?? numLayers,
            NumHeads = Int(path, r, "num_heads"),
            RelativeAttentionNumBuckets = OptInt(path, r, "relative_attention_num_buckets") ?? 32,
            RelativeAttentionMaxDistance = OptInt(path, r, "relative_attention_max_distance") ?? 128,
            LayerNormEpsilon = OptDouble(path, r, "layer_norm_epsilon") ?? 1e-6,
            FeedForwardProj = OptString(r, "feed_forward_proj") ?? "relu",
            TieWordEmbeddings = OptBool(r, "tie_word_embeddings") ?? true,
            DecoderStartTokenId = OptInt(path, r, "decoder_start_token_id") ?? 0,
            PadTokenId = OptInt(path, r, "pad_token_id") ?? 0,
            EosTokenId = OptInt(path, r, "eos_token_id") ?? 1,
            Chronos = r.TryGetProperty("chronos_config", out var cc) && cc.ValueKind == JsonValueKind.Object ? ReadChronos(path, cc) : null,
        };
        Validate(path, cfg);
        return cfg;
    }

    private static ChronosConfig ReadChronos(string path, JsonElement c)
    {
        bool hasKw = c.TryGetProperty("tokenizer_kwargs", out var kw) && kw.ValueKind == JsonValueKind.Object;
        var cfg = new ChronosConfig
        {
            TokenizerClass = OptString(c, "tokenizer_class") ?? "MeanScaleUniformBins",
            LowLimit = hasKw ? OptDouble(path, kw, "low_limit") ?? -15.0 : -15.0,
            HighLimit = hasKw ? OptDouble(path, kw, "high_limit") ?? 15.0 : 15.0,
            NTokens = Int(path, c, "n_tokens"),
            NSpecialTokens = OptInt(path, c, "n_special_tokens") ?? 2,
            PadTokenId = OptInt(path, c, "pad_token_id") ?? 0,
            EosTokenId = OptInt(path, c, "eos_token_id") ?? 1,
            UseEosToken = OptBool(c, "use_eos_token") ?? true,
            ContextLength = OptInt(path, c, "context_length") ?? 512,
            PredictionLength = OptInt(path, c, "prediction_length") ?? 64,
            ModelType = OptString(c, "model_type") ?? "seq2seq",
        };
        if (cfg.TokenizerClass != "MeanScaleUniformBins")
            throw new ModelFormatException(path, $"chronos_config.tokenizer_class '{cfg.TokenizerClass}' is not supported (only MeanScaleUniformBins)");
        if (cfg.NTokens - cfg.NSpecialTokens - 1 < 2 || cfg.ContextLength <= 0 || !(cfg.HighLimit > cfg.LowLimit))
            throw new ModelFormatException(path, "chronos_config: n_tokens, n_special_tokens, limits or context_length out of range");
        return cfg;
    }

    private static void Validate(string path, T5Config c)
    {
        if (c.VocabSize <= 0 || c.DModel <= 0 || c.DKv <= 0 || c.DFf <= 0 || c.NumLayers <= 0 || c.NumDecoderLayers <= 0 || c.NumHeads <= 0)
            throw new ModelFormatException(path, "T5 config: vocab_size, d_model, d_kv, d_ff, num_layers, num_decoder_layers and num_heads must be positive");
        if (c.RelativeAttentionNumBuckets < 4 || c.RelativeAttentionMaxDistance <= c.RelativeAttentionNumBuckets / 4)
            throw new ModelFormatException(path, "T5 config: relative_attention_num_buckets or relative_attention_max_distance out of range");
        if (c.DenseActFn is not ("relu" or "gelu_new" or "gelu"))
            throw new ModelFormatException(path, $"T5 config: feed_forward_proj '{c.FeedForwardProj}' is not supported (relu, gelu, gated-gelu)");
    }

    private static int Int(string path, JsonElement r, string name) =>
        OptInt(path, r, name) ?? throw new ModelFormatException(path, $"config has no '{name}'");

    private static int? OptInt(string path, JsonElement r, string name)
    {
        if (!r.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw new ModelFormatException(path, $"config field '{name}' is not an integer");
    }

    private static double? OptDouble(string path, JsonElement r, string name)
    {
        if (!r.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new ModelFormatException(path, $"config field '{name}' is not a number");
    }

    private static bool? OptBool(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static string? OptString(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
