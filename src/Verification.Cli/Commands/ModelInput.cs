using System.Globalization;
using Verification.Lens;
using Verification.Lens.T5;
using Verification.Loading.Config;
using Verification.Loading.Tokenization;

namespace Verification.Cli.Commands;

/// <summary>A loaded model of either family (decoder-only or T5 encoder-decoder), for commands that take both.</summary>
internal sealed record AnyModel(HookedTransformer? DecoderOnly, HookedEncoderDecoder? EncoderDecoder, ITextTokenizer? Tokenizer) : IDisposable
{
    public string Name => DecoderOnly?.Name ?? EncoderDecoder!.Name;

    public static AnyModel Load(ModelOptions options, System.CommandLine.ParseResult parse)
    {
        var dir = options.Directory(parse);
        var files = ModelLoader.Locate(dir);
        if (T5ConfigReader.IsT5(files.ConfigPath))
            return new AnyModel(null, options.Engine(parse).Apply(HookedEncoderDecoder.Load(dir)), files.Tokenizer);
        var m = options.Load(parse);
        return new AnyModel(m, null, m.Tokenizer);
    }

    /// <summary>Frees the engine's native memory.</summary>
    public void Dispose() { DecoderOnly?.Dispose(); EncoderDecoder?.Dispose(); }

    public ChronosTokenizer? Chronos => EncoderDecoder?.Config.Chronos is { } c ? new ChronosTokenizer(c) : null;
}

/// <summary>--prompt / --series / --tokens turned into ids, shared by `tokenize` and `cache`.</summary>
internal static class ModelInput
{
    public static (int[] Ids, float? Scale) Ids(AnyModel m, string? prompt, string? series, string? tokens)
    {
        int given = (prompt != null ? 1 : 0) + (series != null ? 1 : 0) + (tokens != null ? 1 : 0);
        if (given != 1) throw new UsageException("give exactly one of --prompt TEXT, --series V,V,... or --tokens ID,ID,...");
        if (tokens != null) return (ParseIds("--tokens", tokens), null);
        if (series != null)
        {
            var chronos = m.Chronos ?? throw new UsageException($"model '{m.Name}' has no chronos_config: --series needs a Chronos model");
            var t = chronos.Encode(ParseSeries(series));
            return (t.Ids, t.Scale);
        }
        var tokenizer = m.Tokenizer ?? throw new UsageException($"model '{m.Name}' has no tokenizer files: use --tokens");
        var ids = new List<int>();
        if (m.DecoderOnly is { } d && d.Config.DefaultPrependBos)
            ids.Add(d.BosTokenId ?? throw new UsageException($"model '{m.Name}' has no BOS token: use --tokens"));
        ids.AddRange(tokenizer.Encode(prompt!));
        return (ids.ToArray(), null);
    }

    public static int[] ParseIds(string option, string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0 ? v : throw new UsageException($"{option}: '{s}' is not a token id"))
            .ToArray();

    /// <summary>Comma-separated floats; "nan" marks a missing value.</summary>
    public static double[] ParseSeries(string list)
    {
        var values = list.Split(',', StringSplitOptions.TrimEntries).Select(s =>
            s.Equals("nan", StringComparison.OrdinalIgnoreCase) ? double.NaN
            : double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v
            : throw new UsageException($"--series: '{s}' is not a number (or nan)")).ToArray();
        if (values.Length == 0) throw new UsageException("--series is empty");
        return values;
    }
}
