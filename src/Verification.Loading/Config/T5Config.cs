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
        string text = SafeFile.ReadAllText(path, LoadLimits.ConfigBytes, "config");
        JsonElement r;
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
            FeedForwardProj = OptString(path, r, "feed_forward_proj") ?? "relu",
            TieWordEmbeddings = OptBool(path, r, "tie_word_embeddings") ?? true,
            DecoderStartTokenId = OptInt(path, r, "decoder_start_token_id") ?? 0,
            PadTokenId = OptInt(path, r, "pad_token_id") ?? 0,
            EosTokenId = OptInt(path, r, "eos_token_id") ?? 1,
        };
        Validate(path, cfg);
        // chronos_config present but not an object is an error, like any field of the wrong type.
        if (r.TryGetProperty("chronos_config", out var cc) && cc.ValueKind != JsonValueKind.Null)
            cfg = cfg with { Chronos = cc.ValueKind == JsonValueKind.Object ? ReadChronos(path, cc) : throw new ModelFormatException(path, "config field 'chronos_config' is not an object") };
        return cfg;
    }

    private static ChronosConfig ReadChronos(string path, JsonElement c)
    {
        bool hasKw = c.TryGetProperty("tokenizer_kwargs", out var kw) && kw.ValueKind != JsonValueKind.Null;
        if (hasKw && kw.ValueKind != JsonValueKind.Object) throw new ModelFormatException(path, "config field 'chronos_config.tokenizer_kwargs' is not an object");
        var cfg = new ChronosConfig
        {
            TokenizerClass = OptString(path, c, "tokenizer_class") ?? "MeanScaleUniformBins",
            LowLimit = hasKw ? OptDouble(path, kw, "low_limit") ?? -15.0 : -15.0,
            HighLimit = hasKw ? OptDouble(path, kw, "high_limit") ?? 15.0 : 15.0,
            NTokens = Int(path, c, "n_tokens"),
            NSpecialTokens = OptInt(path, c, "n_special_tokens") ?? 2,
            PadTokenId = OptInt(path, c, "pad_token_id") ?? 0,
            EosTokenId = OptInt(path, c, "eos_token_id") ?? 1,
            UseEosToken = OptBool(path, c, "use_eos_token") ?? true,
            ContextLength = OptInt(path, c, "context_length") ?? 512,
            PredictionLength = OptInt(path, c, "prediction_length") ?? 64,
            ModelType = OptString(path, c, "model_type") ?? "seq2seq",
        };
        if (cfg.TokenizerClass != "MeanScaleUniformBins")
            throw new ModelFormatException(path, $"chronos_config.tokenizer_class '{Safetensors.MessageText.Safe(cfg.TokenizerClass)}' is not supported (only MeanScaleUniformBins)");
        if (cfg.NSpecialTokens < 0 || cfg.NTokens - cfg.NSpecialTokens - 1 < 2 || cfg.ContextLength <= 0 || cfg.PredictionLength <= 0 || !(cfg.HighLimit > cfg.LowLimit))
            throw new ModelFormatException(path, "chronos_config: n_tokens, n_special_tokens, limits, context_length or prediction_length out of range");
        // The tokenizer's bin tables are n_tokens long: bounded like a vocabulary (ids past the model's vocab_size are
        // refused by the forward, as any token id is).
        if (cfg.NTokens > MaxVocab)
            throw new ModelFormatException(path, $"chronos_config.n_tokens {cfg.NTokens} is over the {MaxVocab} limit");
        if (cfg.PadTokenId < 0 || cfg.PadTokenId >= cfg.NTokens || cfg.EosTokenId < 0 || cfg.EosTokenId >= cfg.NTokens)
            throw new ModelFormatException(path, "chronos_config: pad_token_id and eos_token_id must be token ids (0 .. n_tokens - 1)");
        if (cfg.ContextLength > MaxPositions || cfg.PredictionLength > MaxPositions)
            throw new ModelFormatException(path, $"chronos_config: context_length and prediction_length must be at most {MaxPositions}");
        return cfg;
    }

    /// <summary>Our bounds on sizes a config declares (far above any published T5 or Chronos), so a config cannot commit memory.</summary>
    private const int MaxVocab = 1 << 22, MaxWidth = 1 << 16, MaxFf = 1 << 20, MaxLayers = 1024, MaxHeads = 1024, MaxPositions = 1 << 20;

    private static void Validate(string path, T5Config c)
    {
        if (c.VocabSize <= 0 || c.DModel <= 0 || c.DKv <= 0 || c.DFf <= 0 || c.NumLayers <= 0 || c.NumDecoderLayers <= 0 || c.NumHeads <= 0)
            throw new ModelFormatException(path, "T5 config: vocab_size, d_model, d_kv, d_ff, num_layers, num_decoder_layers and num_heads must be positive");
        if (c.VocabSize > MaxVocab || c.DModel > MaxWidth || c.DKv > MaxWidth || c.DFf > MaxFf || c.NumLayers > MaxLayers
            || c.NumDecoderLayers > MaxLayers || c.NumHeads > MaxHeads || (long)c.DKv * c.NumHeads > MaxWidth)
            throw new ModelFormatException(path, "T5 config declares an implausibly large model");
        if (!(c.LayerNormEpsilon > 0 && c.LayerNormEpsilon < 1))
            throw new ModelFormatException(path, $"T5 config: layer_norm_epsilon {c.LayerNormEpsilon} must be in (0, 1)");
        if (c.RelativeAttentionNumBuckets < 4 || c.RelativeAttentionNumBuckets > MaxPositions || c.RelativeAttentionMaxDistance > MaxPositions
            || c.RelativeAttentionMaxDistance <= c.RelativeAttentionNumBuckets / 4)
            throw new ModelFormatException(path, "T5 config: relative_attention_num_buckets or relative_attention_max_distance out of range");
        if (c.DenseActFn is not ("relu" or "gelu_new" or "gelu"))
            throw new ModelFormatException(path, $"T5 config: feed_forward_proj '{Safetensors.MessageText.Safe(c.FeedForwardProj)}' is not supported (relu, gelu, gated-gelu)");
    }

    private static int Int(string path, JsonElement r, string name) =>
        OptInt(path, r, name) ?? throw new ModelFormatException(path, $"config has no '{name}'");

    private static int? OptInt(string path, JsonElement r, string name)
    {
        if (!r.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw new ModelFormatException(path, $"config field '{name}' is not an integer, got {Raw(v)}");
    }

    private static double? OptDouble(string path, JsonElement r, string name)
    {
        if (!r.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        // 1e400 parses as infinity: rule, a config number must be finite.
        return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && double.IsFinite(d)
            ? d : throw new ModelFormatException(path, $"config field '{name}' must be a finite number, got {Raw(v)}");
    }

    // A field of the wrong JSON type is an error naming the field, never a silent default.
    private static bool? OptBool(string path, JsonElement r, string name)
    {
        if (!r.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new ModelFormatException(path, $"config field '{name}' must be true or false, got {Raw(v)}");
    }

    private static string? OptString(string path, JsonElement r, string name)
    {
        if (!r.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new ModelFormatException(path, $"config field '{name}' must be a string, got {Raw(v)}");
    }

    private static string Raw(JsonElement v) => Safetensors.MessageText.Safe(v.GetRawText(), 60);
}
