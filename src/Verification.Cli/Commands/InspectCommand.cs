using System.CommandLine;
using Spectre.Console;
using Verification.Lens;
using Verification.Loading.Config;

namespace Verification.Cli.Commands;

/// <summary>`inspect --model DIR`: architecture, parameter count, file format, tokenizer. Loads every weight, so a broken file fails here.</summary>
internal static class InspectCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions();
        var command = new Command("inspect", "Show a model's architecture, parameter count, file format and tokenizer (and validate its files)");
        model.AddTo(command);
        command.SetAction(parse =>
        {
            var dir = model.Directory(parse);
            var files = ModelLoader.Locate(dir);
            if (T5ConfigReader.IsT5(files.ConfigPath))
            {
                using var t5 = AnyModel.Load(model, parse);
                T5Commands.Inspect(console, t5.EncoderDecoder!, files);
                return ExitCodes.Success;
            }
            using var m = model.Load(parse);
            var c = m.Config;
            var table = new Table().NoBorder().HideHeaders().AddColumn("field").AddColumn("value");
            void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
            Row("Model", m.Name);
            Row("Directory", Path.GetFullPath(dir));
            Row("Weights", $"{Path.GetFileName(files.WeightsPath)} ({files.Format}, {FormatBytes(new FileInfo(files.WeightsPath).Length)})");
            Row("Config", $"config.json ({(c.Family == ModelFamily.HuggingFaceGpt2 ? "Hugging Face GPT-2, converted as TransformerLens converts it" : "TransformerLens")})");
            Row("Architecture", c.Describe());
            Row("Parameters", $"{m.Weights.ParameterCount:N0}");
            Row("Tokenizer", files.Tokenizer?.Description ?? "none found (token ids only)");
            Row("BOS token", m.BosTokenId?.ToString() ?? "none");
            Row("Weight processing", parse.GetValue(model.NoProcessing) ? "none (raw weights)" : Verification.Lens.Weights.WeightProcessingOptions.Default.ToString());
            Row("Engine", $"{m.EngineName} on {m.DeviceName}");
            Row("Hook points", $"{m.HookPointNames.Count} (e.g. {string.Join(", ", m.HookPointNames.Where(n => n.StartsWith("blocks.0.attn")).Take(3))})");
            console.Ansi.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes} B",
    };
}
