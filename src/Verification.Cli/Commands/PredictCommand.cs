using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Verification.Lens;

namespace Verification.Cli.Commands;

/// <summary>`predict --model DIR --prompt TEXT`: the next-token distribution's top K, as TransformerLens's test_prompt shows it.</summary>
internal static class PredictCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions();
        var prompt = new Option<string?>("--prompt", "-p") { Description = "Prompt text (tokenized with the model's tokenizer; BOS prepended)" };
        var tokens = new Option<string?>("--tokens") { Description = "Comma-separated token ids instead of a prompt (used as given; T5: the encoder's)" };
        var series = new Option<string?>("--series") { Description = "Chronos (T5) only: comma-separated values (nan = missing) through the Chronos tokenizer" };
        var top = new Option<int>("--top", "-k") { Description = "How many of the most likely next tokens to show", DefaultValueFactory = _ => 10 };
        var noBos = new Option<bool>("--no-bos") { Description = "Do not prepend BOS to --prompt" };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the prediction as JSON to this file" };
        var command = new Command("predict", "Show the most likely next tokens after a prompt, with log-probabilities (T5: the first decoder token after the encoder input)");
        model.AddTo(command);
        command.Add(prompt); command.Add(tokens); command.Add(series); command.Add(top); command.Add(noBos); command.Add(json);
        command.SetAction(parse =>
        {
            string? text = parse.GetValue(prompt), idList = parse.GetValue(tokens);
            int k = parse.GetValue(top);
            if (k <= 0) throw new UsageException($"--top must be positive, got {k}");
            if (parse.GetValue(json) is { } jsonFile) InputChecks.OutputFile(jsonFile, "--json");
            var dir = model.Directory(parse);
            if (Verification.Loading.Config.T5ConfigReader.IsT5(ModelLoader.Locate(dir).ConfigPath))
            {
                using var any = AnyModel.Load(model, parse);
                var (encoderIds, scale) = ModelInput.Ids(any, text, parse.GetValue(series), idList);
                if (encoderIds.Length == 0) throw new UsageException("the input has no tokens");
                T5Commands.Predict(console, any, encoderIds, scale, k, parse.GetValue(json));
                return ExitCodes.Success;
            }
            if (parse.GetValue(series) != null) throw new UsageException("--series is for Chronos (T5) models");
            if ((text == null) == (idList == null)) throw new UsageException("give exactly one of --prompt TEXT or --tokens ID,ID,...");
            using var m = model.Load(parse);
            var ids = text != null ? PromptIds(m, text, !parse.GetValue(noBos)) : ParseIds(idList!);
            if (ids.Count == 0) throw new UsageException("the prompt has no tokens");
            if (ids.Count > m.Config.NCtx) throw new UsageException($"the prompt has {ids.Count} tokens; the model's context is {m.Config.NCtx}");

            var logits = m.Forward(Tokens.Single(ids), new ForwardOptions { LastPositionOnly = true });
            var logProbs = HookedTransformer.LogSoftmax(logits).Data;
            var best = Enumerable.Range(0, logProbs.Length).OrderByDescending(i => logProbs[i]).ThenBy(i => i).Take(k).ToList();

            console.Ansi.MarkupLine($"[bold]{Markup.Escape(m.Name)}[/], {ids.Count} tokens: {Markup.Escape(string.Join(" ", ids.Select(i => $"{i}:{Show(m, i)}")))}");
            var table = new Table().AddColumns("rank", "token", "text", "logprob", "prob");
            for (int r = 0; r < best.Count; r++)
                table.AddRow((r + 1).ToString(), best[r].ToString(), Markup.Escape(Show(m, best[r])), $"{logProbs[best[r]]:F3}", $"{Math.Exp(logProbs[best[r]]):P2}");
            console.Ansi.Write(table);

            if (parse.GetValue(json) is { } file)
            {
                var doc = new JsonObject
                {
                    ["model"] = m.Name,
                    ["tokens"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()),
                    ["top"] = new JsonArray(best.Select((id, r) => (JsonNode)new JsonObject
                    {
                        ["rank"] = r + 1, ["token"] = id, ["text"] = m.Tokenizer?.TokenToString(id), ["logprob"] = logProbs[id], ["prob"] = Math.Exp(logProbs[id]),
                    }).ToArray()),
                };
                InputChecks.WriteText(file, "--json", doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static IReadOnlyList<int> PromptIds(HookedTransformer m, string text, bool bos)
    {
        var tokenizer = m.Tokenizer ?? throw new UsageException($"model '{m.Name}' has no tokenizer files: use --tokens");
        var ids = new List<int>();
        if (bos && m.Config.DefaultPrependBos)
            ids.Add(m.BosTokenId ?? throw new UsageException($"model '{m.Name}' has no BOS token: use --no-bos"));
        ids.AddRange(tokenizer.Encode(text));
        return ids;
    }

    private static IReadOnlyList<int> ParseIds(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, out int v) && v >= 0 ? v : throw new UsageException($"--tokens: '{s}' is not a token id"))
            .ToList();

    // Quoted so spaces and newlines show, but without escaping <, > and non-ASCII the way HTML-safe JSON does.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Show(HookedTransformer m, int id) => m.Tokenizer is { } t ? JsonSerializer.Serialize(t.TokenToString(id), Readable) : "?";
}
