using System.Text.Json;

namespace Verification.Loading.Config;

/// <summary>
/// Reads config.json in either of the two dialects people have: TransformerLens field names (n_layers, d_model, ...)
/// or a Hugging Face GPT-2 config (model_type "gpt2": n_layer, n_embd, ...).
/// </summary>
public static class ModelConfigReader
{
    public static ModelConfig Read(string path)
    {
        string text = SafeFile.ReadAllText(path, LoadLimits.ConfigBytes, "config");

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(text);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e) { throw new ModelFormatException(path, $"config is not valid JSON ({e.Message.Split('\n')[0]})"); }
        if (root.ValueKind != JsonValueKind.Object) throw new ModelFormatException(path, "config is not a JSON object");

        var cfg = IsHuggingFaceGpt2(root) ? ReadGpt2(path, root) : ReadTransformerLens(path, root);
        Validate(path, cfg);
        return cfg;
    }

    private static bool IsHuggingFaceGpt2(JsonElement root) =>
        root.TryGetProperty("model_type", out var mt) && mt.ValueKind == JsonValueKind.String && mt.GetString() == "gpt2";

    private static ModelConfig ReadTransformerLens(string path, JsonElement r)
    {
        if (!r.TryGetProperty("n_layers", out _) && !r.TryGetProperty("d_model", out _))
        {
            var kind = r.TryGetProperty("model_type", out var mt) ? $"model_type {Raw(mt)}" : "no model_type and no TransformerLens fields";
            throw new ModelFormatException(path, $"unsupported config ({kind}): expected TransformerLens fields (n_layers, d_model, ...) or a Hugging Face GPT-2 config");
        }
        int dModel = Int(path, r, "d_model");
        int nHeads = Int(path, r, "n_heads");
        bool attnOnly = Bool(path, r, "attn_only") ?? false;
        return new ModelConfig
        {
            NLayers = Int(path, r, "n_layers"),
            DModel = dModel,
            NHeads = nHeads,
            DHead = OptInt(path, r, "d_head") ?? (nHeads > 0 ? dModel / nHeads : 0),
            DMlp = attnOnly ? 0 : OptInt(path, r, "d_mlp") ?? 4 * dModel,
            NCtx = Int(path, r, "n_ctx"),
            DVocab = Int(path, r, "d_vocab"),
            AttnOnly = attnOnly,
            ActFn = Str(path, r, "act_fn"),
            NormalizationType = r.TryGetProperty("normalization_type", out var nt) && nt.ValueKind == JsonValueKind.Null ? null : Str(path, r, "normalization_type") ?? "LN",
            PositionalEmbeddingType = Str(path, r, "positional_embedding_type") ?? "standard",
            Eps = Dbl(path, r, "eps") ?? 1e-5,
            Family = ModelFamily.TransformerLens,
            OriginalArchitecture = Str(path, r, "original_architecture"),
            TokenizerName = Str(path, r, "tokenizer_name"),
            DefaultPrependBos = Bool(path, r, "default_prepend_bos") ?? true,
            BosTokenId = OptInt(path, r, "bos_token_id"),
        };
    }

    private static ModelConfig ReadGpt2(string path, JsonElement r)
    {
        int dModel = Int(path, r, "n_embd");
        int nHeads = Int(path, r, "n_head");
        return new ModelConfig
        {
            NLayers = Int(path, r, "n_layer"),
            DModel = dModel,
            NHeads = nHeads,
            DHead = nHeads > 0 ? dModel / nHeads : 0,
            DMlp = OptInt(path, r, "n_inner") ?? 4 * dModel,
            NCtx = OptInt(path, r, "n_positions") ?? Int(path, r, "n_ctx"),
            DVocab = Int(path, r, "vocab_size"),
            AttnOnly = false,
            ActFn = Str(path, r, "activation_function") ?? "gelu_new",
            NormalizationType = "LN",
            Eps = Dbl(path, r, "layer_norm_epsilon") ?? 1e-5,
            Family = ModelFamily.HuggingFaceGpt2,
            OriginalArchitecture = "GPT2LMHeadModel",
            TokenizerName = Str(path, r, "_name_or_path"),
            DefaultPrependBos = true,
            BosTokenId = OptInt(path, r, "bos_token_id"),
            TieWordEmbeddings = Bool(path, r, "tie_word_embeddings") ?? true,
        };
    }

    private static void Validate(string path, ModelConfig c)
    {
        void Positive(string name, int v) { if (v <= 0) throw new ModelFormatException(path, $"config field {name} must be positive, got {v}"); }
        Positive("n_layers", c.NLayers); Positive("d_model", c.DModel); Positive("n_heads", c.NHeads);
        Positive("d_head", c.DHead); Positive("n_ctx", c.NCtx); Positive("d_vocab", c.DVocab);
        if (!c.AttnOnly) Positive("d_mlp", c.DMlp);
        if (c.NLayers > 1024 || c.DModel > 65536 || c.NHeads > 1024 || c.NCtx > 1 << 20 || c.DVocab > 1 << 22)
            throw new ModelFormatException(path, "config declares an implausibly large model");
        if (!(c.Eps > 0 && c.Eps < 1)) throw new ModelFormatException(path, $"config eps {c.Eps} must be in (0, 1)");
        if (c.PositionalEmbeddingType != "standard")
            throw new ModelFormatException(path, $"positional_embedding_type '{c.PositionalEmbeddingType}' is not supported (only 'standard')");
        if (c.NormalizationType is not (null or "LN" or "LNPre"))
            throw new ModelFormatException(path, $"normalization_type '{c.NormalizationType}' is not supported (LN, LNPre or null)");
        if (!c.AttnOnly && c.ActFn is not ("gelu_new" or "gelu" or "relu" or "gelu_fast"))
            throw new ModelFormatException(path, $"act_fn '{c.ActFn}' is not supported (gelu_new, gelu, gelu_fast, relu)");
        if (c.BosTokenId is { } b && (b < 0 || b >= c.DVocab))
            throw new ModelFormatException(path, $"bos_token_id {b} is outside the vocabulary of {c.DVocab}");
    }

    private static int Int(string path, JsonElement r, string name) =>
        OptInt(path, r, name) ?? throw new ModelFormatException(path, $"config lacks required field '{name}'");

    private static int? OptInt(string path, JsonElement r, string name)
    {
        if (!r.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i)) return i;
        throw new ModelFormatException(path, $"config field '{name}' must be an integer, got {Raw(v)}");
    }

    private static double? Dbl(string path, JsonElement r, string name)
    {
        if (!r.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        // 1e400 parses as infinity: rule, a config number must be finite.
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && double.IsFinite(d)) return d;
        throw new ModelFormatException(path, $"config field '{name}' must be a finite number, got {Raw(v)}");
    }

    // A field of the wrong JSON type is an error naming the field, never a silent default or an exception from JsonElement.
    private static bool? Bool(string path, JsonElement r, string name)
    {
        if (!r.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
        throw new ModelFormatException(path, $"config field '{name}' must be true or false, got {Raw(v)}");
    }

    private static string? Str(string path, JsonElement r, string name)
    {
        if (!r.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        throw new ModelFormatException(path, $"config field '{name}' must be a string, got {Raw(v)}");
    }

    /// <summary>A JSON value for a message: clipped and on one line (the CLI escapes what remains).</summary>
    private static string Raw(JsonElement v) => Safetensors.MessageText.Safe(v.GetRawText(), 60);
}
