using System.IO.Compression;
using System.Text;
using Verification.Loading;
using Verification.Loading.Config;
using Verification.Loading.Safetensors;
using Verification.Loading.Tokenization;
using Verification.Loading.Torch;

namespace Verification.Fuzz;

/// <summary>
/// One fuzz target per loader entry point. Each writes the input where the loader expects a file and loads it; the
/// only acceptable failure is ModelFormatException (bad input) whose message is one short line. Anything else
/// escaping, or a message that is not one short line, is a finding.
/// Shared by the SharpFuzz/AFL++ harness (tools/fuzz) and the CI smoke / regression replay in the tests.
/// </summary>
public static class FuzzTargets
{
    /// <summary>A loader's message (path excluded) may be at most this long: the CLI's error line is clipped at 600.</summary>
    public const int MaxProblemChars = 600; // = ModelFormatException.MaxProblemChars (kept literal: the oracle must not move with the code)

    public static readonly IReadOnlyDictionary<string, Action<byte[], string>> All = new Dictionary<string, Action<byte[], string>>
    {
        ["safetensors"] = (b, dir) => Load(() => SafetensorsReader.Read(Write(dir, "model.safetensors", b))),
        // The header's JSON alone, behind a correct length field and 256 zero data bytes, so mutations reach the
        // header checks (dtypes, shapes, offsets, overlaps, metadata) instead of failing at the length field.
        ["safetensors-header"] = (b, dir) => Load(() => SafetensorsReader.Read(Write(dir, "model.safetensors", WithLength(b)))),
        ["torch-zip"] = (b, dir) => Load(() => TorchCheckpointReader.Read(Write(dir, "model_final.pth", b))),
        // The pickle alone (data.pkl), put in a torch.save archive with storage records 0..3 of 64 bytes each, so
        // mutations reach the unpickler's opcodes, globals and views instead of failing at the zip layer.
        ["unpickler"] = (b, dir) => Load(() => TorchCheckpointReader.Read(Write(dir, "model_final.pth", InArchive(b)))),
        // TransformerLens / HF GPT-2 configs, and T5 / Chronos configs (with the Chronos tokenizer they describe).
        ["config"] = (b, dir) =>
        {
            var path = Write(dir, "config.json", b);
            Load(() => ModelConfigReader.Read(path));
            Load(() =>
            {
                if (!T5ConfigReader.IsT5(path)) return;
                var t5 = T5ConfigReader.Read(path);
                if (t5.Chronos is { } c) _ = new ChronosTokenizer(c).Encode([1.0, -2.5, double.NaN, 1e6, 0.0]);
            });
        },
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
        catch (ArgumentException e) when (e.Message.StartsWith("cannot encode", StringComparison.Ordinal)) { CheckOneLine(e.Message, e); return; }
        _ = t.Decode(ids);
    }

    private static byte[] WithLength(byte[] header)
    {
        var file = new byte[8 + header.Length + 256];
        BitConverter.TryWriteBytes(file.AsSpan(0, 8), (ulong)header.Length);
        header.CopyTo(file, 8);
        return file;
    }

    private static byte[] InArchive(byte[] pickle)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Entry(string name, byte[] data)
            {
                using var s = zip.CreateEntry("archive/" + name, CompressionLevel.NoCompression).Open();
                s.Write(data);
            }
            Entry("data.pkl", pickle);
            for (int i = 0; i < 4; i++) Entry($"data/{i}", Enumerable.Range(0, 64).Select(j => (byte)(j * 7 + i)).ToArray());
            Entry("version", "3\n"u8.ToArray());
        }
        return ms.ToArray();
    }

    /// <summary>FUZZ_SHOW=1 prints each rejection when replaying inputs (tools/fuzz: verification-fuzz TARGET FILE...).</summary>
    private static readonly bool ShowRejections = Environment.GetEnvironmentVariable("FUZZ_SHOW") == "1";

    private static string Write(string dir, string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Loader calls refused as bad input since the process started (the CI smoke counts inputs with it).</summary>
    public static long Rejected => Interlocked.Read(ref _rejected);
    private static long _rejected;

    private static void Load(Action load)
    {
        try { load(); }
        catch (ModelFormatException e)
        {
            Interlocked.Increment(ref _rejected);
            if (ShowRejections) Console.Error.WriteLine($"rejected: {e.Message}");
            CheckOneLine(e.Problem, e);
        }
    }

    /// <summary>The oracle on messages: one line (no control characters) of at most <see cref="MaxProblemChars"/>.</summary>
    private static void CheckOneLine(string problem, Exception e)
    {
        if (problem.Length > MaxProblemChars || problem.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'))
            throw new InvalidOperationException(
                $"message is not one short line ({problem.Length} chars): {MessageText.Safe(problem, 200)}", e);
    }
}
