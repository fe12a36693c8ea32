using Verification.Loading.Safetensors;

namespace Verification.Loading;

/// <summary>
/// A model, config or tokenizer file that cannot be used: the message names the file and the problem, on one line.
/// The exception cleans its own text (MessageText.Safe: control characters escaped, clipped), so no loader can put a
/// second line or a flood of input (a JSON parser's echo, a 3,000-digit id) into a message, whatever it quotes.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>The problem text is at most this many characters (escapes and the "..." of a clip included).</summary>
    public const int MaxProblemChars = 600;
    private const int MaxPathChars = 400;

    public string FilePath { get; }
    /// <summary>The problem, cleaned: one line of at most <see cref="MaxProblemChars"/> characters.</summary>
    public string Problem { get; }
    /// <summary>The model's files are absent (no directory, config or weights), not malformed: a run reports it "could not run".</summary>
    public bool FilesMissing { get; init; }

    public ModelFormatException(string filePath, string problem, Exception? inner = null)
        : base($"{MessageText.Safe(filePath, MaxPathChars)}: {Clean(problem)}", inner)
    {
        FilePath = filePath;
        Problem = Clean(problem);
    }

    // Safe may overrun its limit by one escape (6 characters) and then appends "...".
    private static string Clean(string problem) => MessageText.Safe(problem, MaxProblemChars - 9);
}
