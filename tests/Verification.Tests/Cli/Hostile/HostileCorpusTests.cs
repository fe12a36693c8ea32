using Xunit;
using Xunit.Abstractions;

namespace Verification.Tests.Cli.Hostile;

/// <summary>
/// Issue 16's hostile corpus, one test per class: every case runs the CLI as its own process and must exit 2 with
/// exactly one stderr line ("error: ..." holding the case's keyword), within a time bound and a memory bound.
/// </summary>
[Collection("hostile-corpus")] // the cases are processes; two at a time is what a 2-core CI machine takes
public sealed class HostileCorpusTests(ITestOutputHelper output)
{
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(25);
    private const long MemoryBound = 640L << 20;

    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)]
    [InlineData(6)] [InlineData(7)] [InlineData(8)] [InlineData(9)] [InlineData(10)]
    public void EveryCaseIsOneLineAndExitTwo(int @class)
    {
        var cases = HostileCorpus.Class(@class).ToList();
        Assert.True(cases.Count >= 10, $"class {@class} has only {cases.Count} cases");
        var root = Directory.CreateTempSubdirectory($"hostile-{@class}-").FullName;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var lines = new System.Collections.Concurrent.ConcurrentBag<string>();
        var costs = new System.Collections.Concurrent.ConcurrentBag<(double Seconds, long Bytes)>();
        try
        {
            Parallel.ForEach(cases.Select((c, i) => (c, i)), new ParallelOptions { MaxDegreeOfParallelism = 2 }, item =>
            {
                var (c, i) = item;
                var dir = Directory.CreateDirectory(Path.Combine(root, $"case{i:D2}")).FullName;
                var args = c.Build(dir);
                var run = HostileCliRunner.Run(args, TimeBound, root);
                var errLines = run.Stderr.Split('\n').Where(l => l.Trim().Length > 0).ToList();
                var problems = new List<string>();
                if (run.TimedOut) problems.Add($"timed out after {TimeBound.TotalSeconds} s");
                else if (run.Code != 2) problems.Add($"exit {run.Code}");
                if (errLines.Count != 1) problems.Add($"{errLines.Count} stderr lines");
                else if (!errLines[0].StartsWith("error: ", StringComparison.Ordinal)) problems.Add("the line does not start with 'error: '");
                else if (!errLines[0].Contains(c.Expect, StringComparison.OrdinalIgnoreCase)) problems.Add($"the line lacks '{c.Expect}'");
                if (errLines.Any(l => l.Length > 1000)) problems.Add("a line over 1000 characters");
                if (run.PeakBytes > MemoryBound) problems.Add($"peak memory {run.PeakBytes >> 20} MB over {MemoryBound >> 20} MB");
                costs.Add((run.Seconds, run.PeakBytes));
                string first = errLines.FirstOrDefault() ?? "";
                lines.Add($"  [{run.Seconds,5:F1} s {run.PeakBytes >> 20,4} MB exit {run.Code}] {c.Name}: {(first.Length > 160 ? first[..160] + "..." : first)}");
                if (problems.Count > 0)
                    failures.Add($"{c.Name}: {string.Join(", ", problems)}; stderr: {Clip(run.Stderr)}");
            });
        }
        finally { try { Directory.Delete(root, recursive: true); } catch (IOException) { } }

        string summary = $"hostile corpus class {@class} ({HostileCorpus.ClassNames[@class]}): {cases.Count} cases, {cases.Count - failures.Count} pass " +
                         $"(slowest {costs.Max(c => c.Seconds):F1} s of {TimeBound.TotalSeconds:F0}, peak {costs.Max(c => c.Bytes) >> 20} MB of {MemoryBound >> 20})";
        output.WriteLine(summary);
        Console.WriteLine(summary);
        foreach (var l in lines.OrderBy(l => l, StringComparer.Ordinal)) output.WriteLine(l);
        Assert.True(failures.IsEmpty, summary + "\n" + string.Join("\n", failures));
    }

    private static string Clip(string s) => s.Length > 400 ? s[..400] + "..." : s;
}

[CollectionDefinition("hostile-corpus", DisableParallelization = true)]
public sealed class HostileCorpusCollection;
