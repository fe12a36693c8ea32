using Verification.Loading;
using Verification.Loading.Config;
using Verification.Loading.Safetensors;
using Verification.Loading.Tokenization;
using Verification.Loading.Torch;

namespace Verification.Fuzz;

/// <summary>
/// One fuzz target per loader entry point. Each writes the input where the loader expects a file and loads it; the
/// only acceptable failure is ModelFormatException (bad input, one line). Anything else escaping is a finding.
/// Shared by the SharpFuzz/AFL++ harness (tools/fuzz) and the CI smoke / regression replay in the tests.
/// </summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[], string>> All = new Dictionary<string, Action<byte[], string>>
    {
        ["safetensors"] = (b, dir) => Load(() => SafetensorsReader.Read(Write(dir, "model.safetensors", b))),
        ["torch-zip"] = (b, dir) => Load(() => TorchCheckpointReader.Read(Write(dir, "model_final.pth", b))),
        ["config"] = (b, dir) => Load(() => ModelConfigReader.Read(Write(dir, "config.json", b))),
        ["tokenizer-json"] = (b, dir) => Load(() => Encode(HuggingFaceTokenizer.Load(Write(dir, "tokenizer.json", b)))),
        // vocab.json and merges.txt travel as one input, split at the first NUL byte.
        ["bpe-files"] = (b, dir) =>
        {
            int cut = Array.IndexOf(b, (byte)0);
            var vocab = cut < 0 ? b : b[..cut];
            var merges = cut < 0 ? Array.Empty<byte>() : b[(cut + 1)..];
            Load(() => Encode(Gpt2BpeTokenizer.Load(Write(dir, "vocab.json", vocab), Write(dir, "merges.txt", merges))));
        },
    };

    private static void Encode(ITextTokenizer t)
    {
        IReadOnlyList<int> ids;
        // A vocabulary that cannot cover the text is the tokenizer's documented ArgumentException (exit 2 in the CLI).
        try { ids = t.Encode("Hello world <|endoftext|> ünïcödé 123 \t\n  x"); }
        catch (ArgumentException e) when (e.Message.StartsWith("cannot encode", StringComparison.Ordinal)) { return; }
        _ = t.Decode(ids);
    }

    private static string Write(string dir, string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void Load(Action load)
    {
        try { load(); }
        catch (ModelFormatException) { }
    }
}
