namespace Verification.Loading;

/// <summary>A model, config or tokenizer file that cannot be used: the message names the file and the problem, on one line.</summary>
public sealed class ModelFormatException : Exception
{
    public string FilePath { get; }
    public string Problem { get; }
    /// <summary>The model's files are absent (no directory, config or weights), not malformed: a run reports it "could not run".</summary>
    public bool FilesMissing { get; init; }

    public ModelFormatException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }
}
