using System.CommandLine;
using Verification.Claims.Golden;

namespace Verification.Cli.Commands;

/// <summary>`golden accept`: the deliberate act that turns the last run's *.received.json into the committed *.verified.json.</summary>
internal static class GoldenCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("golden", "Golden numbers: golden/<claim>.<model>.verified.json, committed; a mismatch writes *.received.json beside it");
        var dir = new Option<DirectoryInfo?>("--golden") { Description = "Golden folder (default: ./golden of the working directory, or $VERIFICATION_GOLDEN)" };
        var accept = new Command("accept", "Move every *.received.json over its *.verified.json (review `git diff golden/` afterwards)");
        accept.Add(dir);
        accept.SetAction(parse =>
        {
            var folder = parse.GetValue(dir)?.FullName ?? GoldenStore.DefaultDirectory();
            var accepted = new GoldenStore(folder, acceptAll: false).AcceptReceived();
            foreach (var f in accepted) console.Out.WriteLine($"accepted {f}");
            console.Out.WriteLine(accepted.Count == 0 ? $"nothing to accept: no *.received.json in {folder}" : $"{accepted.Count} golden file(s) accepted");
            return ExitCodes.Success;
        });
        command.Add(accept);
        return command;
    }
}
