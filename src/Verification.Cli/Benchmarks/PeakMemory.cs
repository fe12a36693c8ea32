namespace Verification.Cli.Benchmarks;

/// <summary>
/// Peak resident memory of this process during one action, from Linux's high-water mark: write 5 to
/// /proc/self/clear_refs to reset VmHWM, run, read VmHWM. Null where /proc does not offer it.
/// </summary>
public static class PeakMemory
{
    public sealed record Sample(long BaselineBytes, long PeakBytes)
    {
        public long GrowthBytes => PeakBytes - BaselineBytes;
    }

    public static Sample? During(Action run)
    {
        // Start from a compacted heap so that the baseline is what is live, not earlier garbage.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            long baseline = Read("VmRSS:");
            run();
            return new Sample(baseline, Read("VmHWM:"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static long Read(string field)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal))
            ?? throw new IOException($"/proc/self/status has no {field}");
        return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
    }
}
