using System.Diagnostics;

namespace Verification.Tests.Cli.Hostile;

/// <summary>What one CLI process did: exit code, stderr, wall time and peak resident memory.</summary>
public sealed record CliRun(int Code, string Stdout, string Stderr, double Seconds, long PeakBytes, bool TimedOut);

/// <summary>
/// Runs verification.dll as its own process under a time bound (killed past it) and a memory bound: the GC heap is
/// capped (DOTNET_GCHeapHardLimit) and the peak resident set is measured by /usr/bin/time, or by polling when absent.
/// </summary>
public static class HostileCliRunner
{
    public const long HeapLimitBytes = 768L << 20;

    public static CliRun Run(string[] args, TimeSpan limit, string home)
    {
        // $HOSTILE_CLI_DLL runs the corpus against another build (e.g. the code before the fixes, to see it fail).
        var dll = Environment.GetEnvironmentVariable("HOSTILE_CLI_DLL") is { Length: > 0 } other ? other : Path.Combine(AppContext.BaseDirectory, "verification.dll");
        bool gnuTime = File.Exists("/usr/bin/time");
        string memFile = Path.Combine(home, $"mem-{Guid.NewGuid():N}.txt");
        var start = new ProcessStartInfo(gnuTime ? "/usr/bin/time" : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = home,
        };
        if (gnuTime) foreach (var a in new[] { "-f", "%M", "-o", memFile, "dotnet" }) start.ArgumentList.Add(a);
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_GCHeapHardLimit"] = $"0x{HeapLimitBytes:x}";
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["HF_HOME"] = Path.Combine(home, "hf");
        start.Environment["HF_HUB_OFFLINE"] = "1";
        start.Environment.Remove("VERIFICATION_LIMIT_SCALE");

        var clock = Stopwatch.StartNew();
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        bool timedOut = false;
        while (!p.WaitForExit(50))
        {
            if (!gnuTime) try { p.Refresh(); peak = Math.Max(peak, p.PeakWorkingSet64); } catch (InvalidOperationException) { }
            if (clock.Elapsed > limit) { timedOut = true; try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } p.WaitForExit(); break; }
        }
        p.WaitForExit();
        if (gnuTime && File.Exists(memFile) && long.TryParse(File.ReadAllLines(memFile).LastOrDefault(l => l.Trim().Length > 0)?.Trim(), out long kb))
            peak = kb * 1024;
        // /usr/bin/time reports a killed child on its own stderr; keep only the tool's lines.
        string err = stderr.Result;
        if (gnuTime) err = string.Join("\n", err.Split('\n').Where(l => !l.StartsWith("Command terminated by signal", StringComparison.Ordinal) && !l.StartsWith("Command exited with non-zero status", StringComparison.Ordinal)));
        return new CliRun(timedOut ? -1 : p.ExitCode, stdout.Result, err, clock.Elapsed.TotalSeconds, peak, timedOut);
    }
}
