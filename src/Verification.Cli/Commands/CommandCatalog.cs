using System.CommandLine;

namespace Verification.Cli.Commands;

/// <summary>Every top-level command of the tool.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All(CliConsole console)
    {
        yield return InspectCommand.Create(console);
        yield return HeadsCommand.Create(console);
        yield return PredictCommand.Create(console);
        yield return TokenizeCommand.Create(console);
        yield return CacheCommand.Create(console);
        yield return ModelsCommand.Create(console);
        yield return DatasetsCommand.Create(console);
        yield return RunCommand.Create(console);
        yield return GoldenCommand.Create(console);
        yield return BenchCommand.Create(console);
    }
}
