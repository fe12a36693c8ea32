using System.Text.Json;
using Verification.Loading.Tokenization.HuggingFace;

namespace Verification.Loading.Tokenization;

/// <summary>
/// A Hugging Face tokenizer.json with a BPE model: added tokens matched verbatim first (those marked "normalized" in
/// normalized text), then normalizer (Sequence/Prepend/Replace/Lowercase/Strip), pre-tokenizer (ByteLevel, Digits,
/// Split, Sequence), BPE by merge rank (unk_token, fuse_unk, byte_fallback, ignore_merges) and decoder (ByteLevel,
/// Replace, ByteFallback, Fuse, Strip). Anything else is refused with a <see cref="ModelFormatException"/>.
/// </summary>
public sealed class HuggingFaceTokenizer : ITextTokenizer
{
    private static readonly string[] WellKnownBosTokens = ["<|endoftext|>", "<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>"];

    private readonly BpeModel _model;
    private readonly HfNormalizer? _normalizer;
    private readonly HfPreTokenizer? _preTokenizer;
    private readonly HfDecoder _decoder;
    private readonly HfAddedTokenMatcher _rawAddedTokens;        // matched in the text as given
    private readonly HfAddedTokenMatcher _normalizedAddedTokens; // matched after normalization
    private readonly Dictionary<int, string> _idToToken;
    private readonly Dictionary<int, HfAddedToken> _addedById;

    public string Description { get; }
    public int VocabSize { get; }
    public int? BosTokenId { get; }
    /// <summary>The added tokens (special or not), by id.</summary>
    public IReadOnlyDictionary<int, string> AddedTokens { get; }

    private readonly string _path;

    private HuggingFaceTokenizer(string path, JsonElement root)
    {
        _path = path;
        var json = new HfJson(path);
        if (root.ValueKind != JsonValueKind.Object) throw json.Error($"the file should hold a JSON object, found {root.ValueKind}");
        var model = json.Required(root, "model", "tokenizer.json");
        string modelType = json.Optional(model, "type") is { ValueKind: JsonValueKind.String } t ? t.GetString()! : "BPE";
        if (modelType != "BPE") throw json.Unsupported("model", modelType, "BPE");

        var vocab = BpeFiles.VocabularyFromJson(json.Required(model, "vocab", "model"), path, "model.vocab");
        var merges = ReadMerges(json, model);
        BpeFiles.CheckMergesAgainstVocabulary(merges, vocab, path, "model.vocab");
        CheckUnsupportedBpeOptions(json, model);

        var added = json.Optional(root, "added_tokens") is not null
            ? json.Array(root, "added_tokens", "tokenizer.json").Select((e, i) => HfAddedToken.Parse(e, json, $"added_tokens[{i}]")).ToList()
            : new List<HfAddedToken>();
        _addedById = new Dictionary<int, HfAddedToken>();
        foreach (var token in added)
        {
            if (token.Id < 0) throw json.Error($"added token {BpeFiles.Quote(token.Content)} has negative id {token.Id}");
            if (vocab.TryGetValue(token.Content, out int vocabId) && vocabId != token.Id)
                throw json.Error($"added token {BpeFiles.Quote(token.Content)} has id {token.Id} but the vocabulary gives it {vocabId}");
            _addedById[token.Id] = token;
        }
        _rawAddedTokens = new HfAddedTokenMatcher(added.Where(t => !t.Normalized));
        _normalizedAddedTokens = new HfAddedTokenMatcher(added.Where(t => t.Normalized));

        string? unk = json.OptionalString(model, "unk_token", "model");
        int? unkId = null;
        if (unk != null)
            unkId = vocab.TryGetValue(unk, out int u) ? u : throw json.Error($"model.unk_token {BpeFiles.Quote(unk)} is not in the vocabulary");
        int[]? byteFallbackIds = json.Bool(model, "byte_fallback", false, "model") ? ByteFallbackIds(vocab) : null;
        _model = new BpeModel(vocab, merges, unkId, json.Bool(model, "fuse_unk", false, "model"), byteFallbackIds,
                              json.Bool(model, "ignore_merges", false, "model"));

        _normalizer = HfNormalizer.Parse(json.Optional(root, "normalizer"), json);
        _preTokenizer = HfPreTokenizer.Parse(json.Optional(root, "pre_tokenizer"), json);
        _decoder = HfDecoder.Parse(json.Optional(root, "decoder"), json);

        _idToToken = vocab.ToDictionary(kv => kv.Value, kv => kv.Key);
        foreach (var token in added) _idToToken[token.Id] = token.Content;
        AddedTokens = added.ToDictionary(tk => tk.Id, tk => tk.Content);
        VocabSize = _idToToken.Keys.Max() + 1;
        BosTokenId = FindBos(json, root, path, added, vocab);
        Description = $"Hugging Face BPE ({System.IO.Path.GetFileName(path)}: {merges.Count} merges, {added.Count} added tokens), {VocabSize} tokens";
    }

    /// <summary>Loads a tokenizer.json; a tokenizer_config.json / special_tokens_map.json beside it may name the BOS token.</summary>
    /// <exception cref="ModelFormatException">Missing, malformed or unsupported file.</exception>
    public static HuggingFaceTokenizer Load(string path)
    {
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found");
        string text = BpeFiles.ReadText(path, LoadLimits.TokenizerJsonBytes);
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false });
            return new HuggingFaceTokenizer(path, doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"not valid JSON ({BpeFiles.FirstLine(e.Message)})", e);
        }
    }

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try { return EncodeUnbounded(text); }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException e)
        {
            throw new ModelFormatException(_path, $"a normalizer or pre-tokenizer pattern ({BpeFiles.Quote(e.Pattern)}) ran past its {e.MatchTimeout.TotalSeconds:F0} s match timeout (catastrophic backtracking)", e);
        }
    }

    private List<int> EncodeUnbounded(string text)
    {
        var ids = new List<int>();
        foreach (var (raw, rawToken) in _rawAddedTokens.Split(text))
        {
            if (rawToken != null) { ids.Add(rawToken.Id); continue; }
            string normalized = _normalizer?.Apply(raw) ?? raw;
            foreach (var (segment, token) in _normalizedAddedTokens.Split(normalized))
            {
                if (token != null) { ids.Add(token.Id); continue; }
                var words = _preTokenizer?.Apply([segment]) ?? [segment];
                foreach (var word in words) _model.Encode(word, ids);
            }
        }
        return ids;
    }

    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids) AppendBytes(id, bytes);
        return _decoder.Finish(TokenText.DecodeLossy(bytes));
    }

    public string TokenToString(int id)
    {
        var bytes = new List<byte>();
        AppendBytes(id, bytes);
        return TokenText.Escaped(bytes.ToArray());
    }

    private void AppendBytes(int id, List<byte> output)
    {
        if (_addedById.TryGetValue(id, out var added)) { output.AddRange(System.Text.Encoding.UTF8.GetBytes(added.Content)); return; }
        if (!_idToToken.TryGetValue(id, out var token))
            throw new ArgumentOutOfRangeException(nameof(id), id, $"token id {id} is not in the vocabulary ({Description})");
        _decoder.AppendTokenBytes(token, output);
    }

    /// <summary>Merges as "left right" strings (older files) or ["left", "right"] pairs (newer ones, allowing spaces in tokens).</summary>
    private static List<(string Left, string Right)> ReadMerges(HfJson json, JsonElement model)
    {
        var merges = new List<(string, string)>();
        if (json.Optional(model, "merges") is null) return merges;
        int i = 0;
        foreach (var m in json.Array(model, "merges", "model"))
        {
            string where = $"model.merges[{i++}]";
            if (m.ValueKind == JsonValueKind.String)
            {
                var parts = m.GetString()!.Split(' ');
                if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                    throw json.Error($"{where}: expected \"left right\", found {BpeFiles.Quote(m.GetString()!)}");
                merges.Add((parts[0], parts[1]));
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2
                     && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
                merges.Add((m[0].GetString()!, m[1].GetString()!));
            else
                throw json.Error($"{where}: expected \"left right\" or [\"left\", \"right\"], found {m.GetRawText()}");
        }
        return merges;
    }

    private static void CheckUnsupportedBpeOptions(HfJson json, JsonElement model)
    {
        foreach (var name in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (json.OptionalString(model, name, "model") is { Length: > 0 } value)
                throw json.Error($"model.{name} {BpeFiles.Quote(value)} is not supported");
        if (json.Optional(model, "dropout") is JsonElement d && d.ValueKind == JsonValueKind.Number && d.GetDouble() != 0)
            throw json.Error("model.dropout is not supported (encoding would be random)");
    }

    /// <summary>Ids of the &lt;0xNN&gt; tokens (-1 where missing: such bytes fall back to the unknown token).</summary>
    private static int[] ByteFallbackIds(Dictionary<string, int> vocab)
    {
        var ids = new int[256];
        for (int b = 0; b < 256; b++) ids[b] = vocab.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;
        return ids;
    }

    /// <summary>
    /// BOS: the first special token of the post_processor's single-sequence template; else bos_token from
    /// tokenizer_config.json or special_tokens_map.json beside the file; else a well-known added token such as &lt;|endoftext|&gt;.
    /// </summary>
    private static int? FindBos(HfJson json, JsonElement root, string path, List<HfAddedToken> added, Dictionary<string, int> vocab)
    {
        int? IdOf(string content) =>
            added.FirstOrDefault(t => t.Content == content)?.Id ?? (vocab.TryGetValue(content, out int id) ? id : null);

        if (json.Optional(root, "post_processor") is JsonElement post && TemplateBos(post) is string templateBos && IdOf(templateBos) is int fromTemplate)
            return fromTemplate;
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        foreach (var sidecar in new[] { "tokenizer_config.json", "special_tokens_map.json" })
            if (SidecarBos(System.IO.Path.Combine(dir, sidecar)) is string name && IdOf(name) is int fromSidecar)
                return fromSidecar;
        foreach (var name in WellKnownBosTokens)
            if (added.Any(t => t.Content == name) && IdOf(name) is int wellKnown) return wellKnown;
        return null;
    }

    private static string? TemplateBos(JsonElement post)
    {
        if (post.ValueKind != JsonValueKind.Object || !post.TryGetProperty("type", out var type)) return null;
        if (type.ValueEquals("Sequence") && post.TryGetProperty("processors", out var processors) && processors.ValueKind == JsonValueKind.Array)
            return processors.EnumerateArray().Select(TemplateBos).FirstOrDefault(b => b != null);
        if (!type.ValueEquals("TemplateProcessing") || !post.TryGetProperty("single", out var single)
            || single.ValueKind != JsonValueKind.Array || single.GetArrayLength() == 0) return null;
        var first = single[0];
        return first.ValueKind == JsonValueKind.Object && first.TryGetProperty("SpecialToken", out var special)
               && special.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
    }

    /// <summary>bos_token as a string or as {"content": ...}; a side file that is present must be valid JSON.</summary>
    private static string? SidecarBos(string file)
    {
        if (!File.Exists(file)) return null;
        try
        {
            using var doc = JsonDocument.Parse(BpeFiles.ReadText(file, LoadLimits.ConfigBytes));
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("bos_token", out var bos)) return null;
            if (bos.ValueKind == JsonValueKind.String) return bos.GetString();
            if (bos.ValueKind == JsonValueKind.Object && bos.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String) return c.GetString();
            return null;
        }
        catch (JsonException e) { throw new ModelFormatException(file, $"not valid JSON ({BpeFiles.FirstLine(e.Message)})", e); }
    }
}
