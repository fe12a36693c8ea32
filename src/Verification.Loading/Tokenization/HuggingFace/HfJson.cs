using System.Text.Json;

namespace Verification.Loading.Tokenization.HuggingFace;

/// <summary>Typed reads from tokenizer.json that fail with a <see cref="ModelFormatException"/> naming the file and the field.</summary>
internal sealed class HfJson(string path)
{
    public string Path { get; } = path;

    public ModelFormatException Error(string problem) => new(Path, problem);

    public ModelFormatException Unsupported(string what, string type, string supported) =>
        new(Path, $"unsupported {what} type {BpeFiles.Quote(type)} (supported: {supported})");

    public static bool IsNull(JsonElement e) => e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    public JsonElement? Optional(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && !IsNull(v) ? v : null;

    public JsonElement Required(JsonElement obj, string name, string where) =>
        Optional(obj, name) ?? throw Error($"{where}: missing \"{name}\"");

    public string Type(JsonElement obj, string where)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Error($"{where} should be an object, found {obj.ValueKind}");
        return String(obj, "type", where);
    }

    public string String(JsonElement obj, string name, string where)
    {
        var v = Required(obj, name, where);
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Error($"{where}: \"{name}\" should be a string, found {v.ValueKind}");
    }

    public string? OptionalString(JsonElement obj, string name, string where)
    {
        var v = Optional(obj, name);
        if (v is null) return null;
        return v.Value.ValueKind == JsonValueKind.String ? v.Value.GetString() : throw Error($"{where}: \"{name}\" should be a string, found {v.Value.ValueKind}");
    }

    public bool Bool(JsonElement obj, string name, bool defaultValue, string where)
    {
        var v = Optional(obj, name);
        if (v is null) return defaultValue;
        return v.Value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error($"{where}: \"{name}\" should be true or false, found {v.Value.ValueKind}"),
        };
    }

    public int Int(JsonElement obj, string name, string where)
    {
        var v = Required(obj, name, where);
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Error($"{where}: \"{name}\" should be an integer, found {v.GetRawText()}");
    }

    public IEnumerable<JsonElement> Array(JsonElement obj, string name, string where)
    {
        var v = Required(obj, name, where);
        return v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : throw Error($"{where}: \"{name}\" should be an array, found {v.ValueKind}");
    }

    /// <summary>A Split/Replace "pattern": {"String": s} (literal) or {"Regex": r}, as a .NET regex.</summary>
    public System.Text.RegularExpressions.Regex Pattern(JsonElement obj, string where)
    {
        var pattern = Required(obj, "pattern", where);
        if (OptionalString(pattern, "String", where) is string literal)
            return new(System.Text.RegularExpressions.Regex.Escape(literal), System.Text.RegularExpressions.RegexOptions.CultureInvariant, LoadLimits.RegexTimeout);
        if (OptionalString(pattern, "Regex", where) is string regex)
        {
            // A pattern from a file may backtrack catastrophically: every match runs under a timeout (see Encode).
            try { return new(regex, System.Text.RegularExpressions.RegexOptions.CultureInvariant, LoadLimits.RegexTimeout); }
            catch (ArgumentException e) { throw Error($"{where}: regex {BpeFiles.Quote(regex)} is not supported by .NET ({BpeFiles.FirstLine(e.Message)})"); }
        }
        throw Error($"{where}: \"pattern\" should be {{\"String\": ...}} or {{\"Regex\": ...}}");
    }
}
