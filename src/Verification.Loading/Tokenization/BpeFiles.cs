using System.Text.Json;

namespace Verification.Loading.Tokenization;

/// <summary>Reads GPT-2 style BPE files (vocab.json / encoder.json and merges.txt / vocab.bpe), checking them as it goes.</summary>
internal static class BpeFiles
{
    public static Dictionary<string, int> ReadVocabulary(string path)
    {
        string json = ReadText(path, LoadLimits.VocabularyBytes);
        try
        {
            using var doc = JsonDocument.Parse(json);
            return VocabularyFromJson(doc.RootElement, path, "the file");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"not valid JSON ({FirstLine(e.Message)})", e);
        }
    }

    /// <summary>A JSON object token -> id; <paramref name="what"/> names the object in errors.</summary>
    public static Dictionary<string, int> VocabularyFromJson(JsonElement element, string path, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new ModelFormatException(path, $"{what} should be a JSON object mapping tokens to ids, found {element.ValueKind}");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var seenIds = new Dictionary<int, string>();
        foreach (var property in element.EnumerateObject())
        {
            // Stated limit: a token is at most LoadLimits.TokenChars characters (real ones are tens).
            if (property.Name.Length > LoadLimits.TokenChars)
                throw new ModelFormatException(path, $"{what}: a token of {property.Name.Length} characters, over the {LoadLimits.TokenChars}-character limit ({Quote(property.Name)})");
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out int id) || id < 0)
                throw new ModelFormatException(path, $"{what}: token {Quote(property.Name)} has id {Safetensors.MessageText.Safe(property.Value.GetRawText(), 40)}, expected a non-negative integer");
            if (seenIds.TryGetValue(id, out var other))
                throw new ModelFormatException(path, $"{what}: id {id} is given to both {Quote(other)} and {Quote(property.Name)}");
            if (!vocab.TryAdd(property.Name, id))
                throw new ModelFormatException(path, $"{what}: token {Quote(property.Name)} appears twice");
            seenIds[id] = property.Name;
        }
        if (vocab.Count == 0) throw new ModelFormatException(path, $"{what} is empty");
        return vocab;
    }

    /// <summary>merges.txt: an optional "#version" line, then one "left right" pair a line, highest priority first.</summary>
    public static List<(string Left, string Right)> ReadMerges(string path)
    {
        var lines = ReadText(path, LoadLimits.VocabularyBytes).Split('\n');
        var merges = new List<(string, string)>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length > 2 * LoadLimits.TokenChars + 1)
                throw new ModelFormatException(path, $"line {i + 1} is {line.Length} characters, over the limit for two tokens ({Quote(line)})");
            if (line.Length == 0 || (i == 0 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new ModelFormatException(path, $"line {i + 1}: expected two symbols separated by one space, found {Quote(line)}");
            merges.Add((parts[0], parts[1]));
        }
        return merges;
    }

    /// <summary>Every merge's parts and result must be tokens, or BPE would produce ids the model does not have.</summary>
    public static void CheckMergesAgainstVocabulary(IReadOnlyList<(string Left, string Right)> merges, IReadOnlyDictionary<string, int> vocab,
                                                    string mergesPath, string vocabName)
    {
        for (int i = 0; i < merges.Count; i++)
        {
            var (left, right) = merges[i];
            foreach (var token in new[] { left, right, left + right })
                if (!vocab.ContainsKey(token))
                    throw new ModelFormatException(mergesPath, $"merge {i + 1} ({Quote(left)} {Quote(right)}) uses {Quote(token)}, which is not in {vocabName}");
        }
    }

    /// <summary>A tokenizer file read through <see cref="SafeFile"/>: a regular file within <paramref name="maxBytes"/>.</summary>
    internal static string ReadText(string path, long maxBytes) => SafeFile.ReadAllText(path, maxBytes, "tokenizer file");

    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A token in quotes, escaped as JSON (readable: non-ASCII letters kept, controls escaped).</summary>
    internal static string Quote(string s) => JsonSerializer.Serialize(s.Length > 80 ? s[..80] + "..." : s, QuoteOptions);

    internal static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
