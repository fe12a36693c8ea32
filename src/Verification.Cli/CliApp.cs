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
    /// <summary>Bad input: an unreadable or malformed file, an unknown option, a bad value.</summary>
    public const int BadInput = 2;
}

/// <summary>Raised for bad user input that is not a file problem (a bad option value, say): exit code 2, one line.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The command-line tool: parses, dispatches, and turns every known failure into one line and an exit code.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var console = new CliConsole(output, error);
        var root = new RootCommand("Verification: re-check published mechanistic-interpretability claims on real transformer weights.");
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
            return ExitCodes.BadInput;
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
        ArgumentException => e.Message,
        _ when e.GetType().Name == "HubException" => e.Message,
        _ => null,
    };
}
