namespace Verification.Cli.Benchmarks;

/// <summary>
/// The measurements `bench --modes` chooses from: a 144-head sweep or a full cache of GPT-2 small takes minutes at the
/// published sizes, so a run can time only what it needs. The full-cache memory is measured with full-cache.
/// </summary>
public static class BenchModes
{
    public const string NoCache = "no-cache", FullCache = "full-cache", Patterns = "patterns", Sweep = "sweep", Gemm = "gemm";

    public static readonly string[] All = { NoCache, FullCache, Patterns, Sweep, Gemm };

    /// <summary>A comma-separated list of modes (any order, no repeats); an unknown one is bad input.</summary>
    public static IReadOnlySet<string> Parse(string text)
    {
        var modes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!All.Contains(part)) throw new ArgumentException($"--modes: unknown mode '{part}' (one or more of {string.Join(",", All)})");
            modes.Add(part);
        }
        if (modes.Count == 0) throw new ArgumentException($"--modes: give at least one of {string.Join(",", All)}");
        return modes;
    }
}
