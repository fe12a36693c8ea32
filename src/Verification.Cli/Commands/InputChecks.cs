using Verification.Loading.Config;

namespace Verification.Cli.Commands;

/// <summary>Option values checked against the model and the machine before any memory is committed to them.</summary>
internal static class InputChecks
{
    /// <summary>The most sequences one command runs at once; beyond this the tool is misused, whatever the memory.</summary>
    public const int MaxBatch = 65536;

    /// <summary>
    /// Refuses a batch whose forward would not fit: activations (residual, MLP, logits) plus the attention patterns,
    /// in float32, against half of the memory this process may use.
    /// </summary>
    public static void WorkloadFits(ModelConfig c, long batch, long positions, string batchOption)
    {
        if (batch > MaxBatch) throw new UsageException($"{batchOption} {batch} is over the limit of {MaxBatch} sequences");
        double perSequence = positions * (8.0 * c.DModel + c.DMlp + c.DVocab) + (double)c.NLayers * c.NHeads * positions * positions;
        double bytes = 4.0 * batch * perSequence;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available / 2.0)
            throw new UsageException($"{batchOption} {batch} with {positions} positions needs about {bytes / (1 << 30):F1} GiB, over half the {available / (double)(1 << 30):F1} GiB this machine gives the process; use a smaller batch");
    }

    /// <summary>An output file named by an option: not a directory, its folder existing; checked before the work starts.</summary>
    public static void OutputFile(FileInfo file, string option)
    {
        if (Directory.Exists(file.FullName)) throw new UsageException($"{option} {file.FullName} is a directory; give a file name");
        var dir = Path.GetDirectoryName(file.FullName);
        if (dir != null && !Directory.Exists(dir)) throw new UsageException($"{option} {file.FullName}: folder {dir} does not exist");
    }

    /// <summary>Writes an output file; a failure (read-only, no permission, disk full) is one line and exit 2.</summary>
    public static void WriteText(FileInfo file, string option, string text)
    {
        try { File.WriteAllText(file.FullName, text); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new UsageException($"{option} {file.FullName} cannot be written: {e.Message}"); }
    }

    /// <summary>An output folder: not an existing file.</summary>
    public static void OutputDirectory(DirectoryInfo dir, string option)
    {
        if (File.Exists(dir.FullName)) throw new UsageException($"{option} {dir.FullName} is a file; give a folder");
    }
}
