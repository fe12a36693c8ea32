using System.CommandLine;
using System.Text.Json.Nodes;

namespace Verification.Cli.Commands;

/// <summary>`tokenize --model M (--prompt TEXT | --series V,V,...) [--json FILE]`: the ids a model would be given (and the Chronos scale).</summary>
internal static class TokenizeCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions();
        var prompt = new Option<string?>("--prompt", "-p") { Description = "Text, through the model's tokenizer (BOS prepended where the model does)" };
        var series = new Option<string?>("--series") { Description = "Comma-separated values (nan = missing), through the Chronos tokenizer" };
        var json = new Option<FileInfo?>("--json") { Description = "Also write {\"ids\": [...]} (and \"scale\" for Chronos) to this file" };
        var command = new Command("tokenize", "Print the token ids of a prompt or (Chronos) a time series");
        model.AddTo(command);
        command.Add(prompt); command.Add(series); command.Add(json);
        command.SetAction(parse =>
        {
            using var m = AnyModel.Load(model, parse);
            var (ids, scale) = ModelInput.Ids(m, parse.GetValue(prompt), parse.GetValue(series), null);
            var doc = new JsonObject { ["ids"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()) };
            if (scale is { } s) doc["scale"] = s;
            var text = doc.ToJsonString();
            console.Out.WriteLine(text);
            if (parse.GetValue(json) is { } file) File.WriteAllText(file.FullName, text + "\n");
            return ExitCodes.Success;
        });
        return command;
    }
}
