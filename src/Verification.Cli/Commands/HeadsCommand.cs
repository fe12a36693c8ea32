using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Verification.Experiments;

namespace Verification.Cli.Commands;

/// <summary>`heads --model DIR`: per-head induction, previous-token, duplicate-token and BOS scores on repeated random tokens.</summary>
internal static class HeadsCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions();
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random tokens (xoshiro256**)", DefaultValueFactory = _ => 1234 };
        var batch = new Option<int>("--batch") { Description = "Number of sequences", DefaultValueFactory = _ => 64 };
        var length = new Option<int?>("--length") { Description = "N: random tokens per copy (sequence = BOS + N + N; default 25). T5: the repeated segment's length (default 10, as [003])" };
        var repetitions = new Option<int?>("--repetitions") { Description = "T5 only: how many times the segment repeats before its first token and EOS (default 2, as [003])" };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the scores as JSON to this file" };
        var command = new Command("heads", "Score every attention head on repeated random tokens (induction, previous-token, duplicate-token, BOS; " +
                                           "on a T5: [003]'s induction rule over encoder, decoder and cross-attention heads)");
        model.AddTo(command);
        command.Add(seed); command.Add(batch); command.Add(length); command.Add(repetitions); command.Add(json);
        command.SetAction(parse =>
        {
            int b = parse.GetValue(batch);
            if (b <= 0) throw new UsageException($"--batch must be positive, got {b}");
            if (parse.GetValue(length) is <= 0 and var bad) throw new UsageException($"--length must be positive, got {bad}");
            if (parse.GetValue(repetitions) is <= 0 and var badReps) throw new UsageException($"--repetitions must be positive, got {badReps}");
            if (parse.GetValue(json) is { } jsonFile) InputChecks.OutputFile(jsonFile, "--json");
            var dir = model.Directory(parse);
            if (Verification.Loading.Config.T5ConfigReader.IsT5(Verification.Lens.ModelLoader.Locate(dir).ConfigPath))
            {
                int len = parse.GetValue(length) ?? 10;
                if (len < 2) throw new UsageException($"--length {len}: a T5's decoder reads the token after the first, so the segment needs at least 2");
                using var t5 = AnyModel.Load(model, parse);
                T5Commands.Heads(console, t5.EncoderDecoder!, b, len, parse.GetValue(repetitions) ?? 2, parse.GetValue(seed), parse.GetValue(json));
                return ExitCodes.Success;
            }
            if (parse.GetValue(repetitions) != null) throw new UsageException("--repetitions is for T5 models ([003]'s protocol); a decoder-only model's sequence is BOS + N + N");
            int n = parse.GetValue(length) ?? 25;
            using var m = model.Load(parse);
            long positions = 2L * n + 1; // long: 2n+1 overflows int for n near 2^30
            if (positions > m.Config.NCtx) throw new UsageException($"--length {n} needs {positions} positions; the model's context is {m.Config.NCtx}");
            InputChecks.WorkloadFits(m.Config, b, positions, "--batch");
            if (m.BosTokenId is null) throw new UsageException($"model '{m.Name}' has no BOS token id (config bos_token_id or tokenizer); heads needs one");
            var protocol = RepeatedRandomTokens.DefaultFor(m, b, n, parse.GetValue(seed));
            var scores = HeadScores.Compute(m, RepeatedRandomTokens.Generate(protocol), n);

            var table = new Table().AddColumns("layer", "head", "induction", "previous_token", "duplicate_token", "bos");
            foreach (var s in scores)
                table.AddRow(s.Layer.ToString(), s.Head.ToString(), Cell(s.Induction), Cell(s.PreviousToken), Cell(s.DuplicateToken), Cell(s.Bos));
            console.Ansi.MarkupLine($"[bold]{Markup.Escape(m.Name)}[/]: {Markup.Escape(protocol.Describe())}");
            console.Ansi.Write(table);
            var best = scores.MaxBy(s => s.Induction)!;
            console.Ansi.MarkupLine($"Strongest induction head: L{best.Layer}H{best.Head} ({best.Induction:F3}); scores >= 0.4 are usually called induction heads.");

            if (parse.GetValue(json) is { } file)
            {
                var doc = new JsonObject
                {
                    ["model"] = m.Name,
                    ["protocol"] = new JsonObject
                    {
                        ["seed"] = protocol.Seed, ["batch"] = protocol.Batch, ["N"] = protocol.Length, ["bos"] = protocol.Bos,
                        ["vocab_low"] = protocol.VocabLow, ["vocab_high"] = protocol.VocabHigh, ["rng"] = "MT19937, as torch.manual_seed(seed); torch.randint(vocab_low, vocab_high, (batch, N))",
                        ["description"] = protocol.Describe(),
                    },
                    ["heads"] = new JsonArray(scores.Select(s => (JsonNode)new JsonObject
                    {
                        ["layer"] = s.Layer, ["head"] = s.Head, ["induction"] = s.Induction, ["previous_token"] = s.PreviousToken,
                        ["duplicate_token"] = s.DuplicateToken, ["bos"] = s.Bos,
                    }).ToArray()),
                };
                InputChecks.WriteText(file, "--json", doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Cell(double v) => v >= 0.4 ? $"[bold]{v:F3}[/]" : $"{v:F3}";
}
