using System.CommandLine;
using System.Text.RegularExpressions;
using Verification.Lens;
using Verification.Lens.T5;
using Verification.Loading.Safetensors;
using Verification.Tensors;

namespace Verification.Cli.Commands;

/// <summary>
/// `cache --model M (--tokens | --prompt | --series) [--decoder-tokens] [--names REGEX] --out FILE.safetensors`: one
/// sequence (batch 1) through the model; logits and every activation whose TransformerLens name matches, float32, in
/// TransformerLens's shapes with the batch axis. A T5 without --decoder-tokens gets its decoder start token alone.
/// </summary>
internal static class CacheCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions();
        var tokens = new Option<string?>("--tokens") { Description = "Comma-separated token ids (for T5: the encoder's)" };
        var prompt = new Option<string?>("--prompt", "-p") { Description = "Text through the model's tokenizer" };
        var series = new Option<string?>("--series") { Description = "Comma-separated values (nan = missing) through the Chronos tokenizer" };
        var decoderTokens = new Option<string?>("--decoder-tokens") { Description = "T5: the decoder's ids (default: the decoder start token)" };
        var names = new Option<string?>("--names") { Description = "Regex over hook names (default: all)" };
        var output = new Option<FileInfo>("--out", "-o") { Description = "safetensors file to write", Required = true };
        var command = new Command("cache", "Run one sequence and write logits and the matching activations to a safetensors file");
        model.AddTo(command);
        command.Add(tokens); command.Add(prompt); command.Add(series); command.Add(decoderTokens); command.Add(names); command.Add(output);
        command.SetAction(parse =>
        {
            Regex? filter;
            try { filter = parse.GetValue(names) is { } re ? new Regex(re, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)) : null; }
            catch (ArgumentException e) { throw new UsageException($"--names: not a valid regular expression ({e.Message})"); }
            Func<string, bool> wanted = filter == null ? _ => true : n => filter.IsMatch(n);
            using var m = AnyModel.Load(model, parse);
            var (ids, _) = ModelInput.Ids(m, parse.GetValue(prompt), parse.GetValue(series), parse.GetValue(tokens));
            if (ids.Length == 0) throw new UsageException("the input has no tokens");

            Tensor logits;
            ActivationCache cache;
            if (m.EncoderDecoder is { } t5)
            {
                var dec = parse.GetValue(decoderTokens) is { } d ? ModelInput.ParseIds("--decoder-tokens", d) : new[] { t5.Config.DecoderStartTokenId };
                if (dec.Length == 0) throw new UsageException("--decoder-tokens is empty");
                CheckVocab(ids.Concat(dec), t5.Config.VocabSize);
                (logits, cache) = t5.RunWithCache(new EncoderDecoderInput(Tokens.Single(ids), Tokens.Single(dec)), wanted);
            }
            else
            {
                var d = m.DecoderOnly!;
                if (parse.GetValue(decoderTokens) != null) throw new UsageException("--decoder-tokens is for encoder-decoder (T5) models");
                if (ids.Length > d.Config.NCtx) throw new UsageException($"the input has {ids.Length} tokens; the model's context is {d.Config.NCtx}");
                CheckVocab(ids, d.Config.DVocab);
                (logits, cache) = d.RunWithCache(Tokens.Single(ids), wanted);
            }
            var file = parse.GetValue(output)!;
            var items = new List<(string, Tensor)> { ("logits", logits) };
            items.AddRange(cache.Select(kv => (kv.Key, kv.Value)));
            SafetensorsWriter.Write(file.FullName, items, new Dictionary<string, string> { ["model"] = m.Name, ["tokens"] = string.Join(",", ids) });
            console.Out.WriteLine($"{file.FullName}: logits {logits.ShapeString} and {cache.Count} activations");
            return ExitCodes.Success;
        });
        return command;
    }

    private static void CheckVocab(IEnumerable<int> ids, int vocab)
    {
        foreach (var id in ids)
            if (id >= vocab) throw new UsageException($"token id {id} is outside the vocabulary of {vocab}");
    }
}
