using System.CommandLine;
using Verification.Hub;

namespace Verification.Cli.Commands;

/// <summary>`datasets list` and `datasets pull NAME|ORG/REPO[@REV] [--revision REV]`: the text the claims read (Pile-10k), through the Hugging Face cache.</summary>
internal static class DatasetsCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("datasets", "List, and download into the Hugging Face cache, the datasets the claims read (Pile-10k for G2 and G3 on gpt2-small)");

        var list = new Command("list", "Show the registry's datasets, their pinned commits, and whether each is in the local cache (HF_HOME), verified");
        list.SetAction(_ => { HubCommands.ListDatasets(console.Out, HubSettings.FromEnvironment()); return ExitCodes.Success; });

        var name = new Argument<string>("dataset") { Description = "A registry name (pile-10k) or ORG/REPO[@REV] (NeelNanda/pile-10k: its pinned commit and checksums)" };
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit (default: the registry's pinned commit, else main)" };
        var pull = new Command("pull", "Download a dataset (resumable, checksummed, atomic) into the cache; HF_ENDPOINT, HF_HOME, HF_TOKEN, HF_HUB_OFFLINE apply");
        pull.Add(name);
        pull.Add(revision);
        pull.SetAction((parse, ct) => PullProgress.RunAsync(console,
            progress => HubCommands.PullDataset(parse.GetValue(name)!, parse.GetValue(revision), console.Out, progress, HubSettings.FromEnvironment(), ct)));

        command.Add(list);
        command.Add(pull);
        return command;
    }
}
