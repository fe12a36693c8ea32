using System.CommandLine;
using Verification.Cli.Commands;
using Verification.Loading;
using Verification.Loading.Safetensors;

namespace Verification.Cli;

/// <summary>Exit codes every command keeps.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>A claim regressed against its golden numbers, or a claim that held now fails.</summary>
    public const int Regression = 1;
    /// <summary>Bad input or usage: an unreadable or malformed file, an unknown option, a bad value, an unknown model or claim name.</summary>
    public const int BadInput = 2;
    /// <summary>Could not run: the network is unreachable, weights are absent, a model asked for cannot be loaded.</summary>
    public const int CouldNotRun = 3;
    /// <summary>A model has no golden numbers yet: its *.received.json were written; review them and accept.</summary>
    public const int NoGolden = 4;

    /// <summary>The exit codes as --help and the README state them.</summary>
    public const string Help =
        "Exit codes: 0 all checked, nothing moved; 1 a golden number moved or a claim that held now fails; " +
        "2 bad input or usage (unreadable file, unknown option, unknown model or claim name); " +
        "3 could not run (network unreachable, weights absent, a model asked for cannot be loaded); " +
        "4 no golden numbers yet for a model (review the *.received.json, then `verification golden accept`).";
}

/// <summary>Something needed could not be reached or loaded (not the input's fault): exit code 3, one line.</summary>
public sealed class CouldNotRunException(string message) : Exception(message);

/// <summary>Raised for bad user input that is not a file problem (a bad option value, say): exit code 2, one line.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The command-line tool: parses, dispatches, and turns every known failure into one line and an exit code.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var console = new CliConsole(output, error);
        var root = new RootCommand("Verification: re-check published mechanistic-interpretability claims on real transformer weights. " + ExitCodes.Help);
        foreach (var command in CommandCatalog.All(console)) root.Add(command);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !IsHelpRequest(args))
        {
            error.WriteLine($"error: {ErrorLine(parse.Errors[0].Message)} (see --help)");
            return ExitCodes.BadInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (OneLine(e) is { } message)
        {
            error.WriteLine($"error: {ErrorLine(message)}");
            return IsCouldNotRun(e) ? ExitCodes.CouldNotRun : ExitCodes.BadInput;
        }
    }

    /// <summary>
    /// The one sanitiser every error message passes: control characters (a newline in a tensor name, say) escaped,
    /// long values clipped, so a hostile file can neither forge a second line nor flood the terminal.
    /// </summary>
    public static string ErrorLine(string message) => MessageText.Safe(message, 600);

    private static bool IsHelpRequest(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    // Failures that are the input's fault get one line; anything else is a bug and keeps its stack trace.
    private static string? OneLine(Exception e) => e switch
    {
        ModelFormatException or UsageException or FileNotFoundException or DirectoryNotFoundException => e.Message,
        ArgumentException or CouldNotRunException or Hub.HubException => e.Message,
        _ => null,
    };

    private static bool IsCouldNotRun(Exception e) => e is CouldNotRunException || e is Hub.HubException { BadInput: false };
}
