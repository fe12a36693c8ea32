using System.Runtime.InteropServices;

namespace Verification.Cli.Benchmarks;

/// <summary>What the numbers were measured on: CPU, processors, memory, runtime, and how loaded the machine was.</summary>
public sealed record MachineInfo(string Cpu, int Processors, long MemoryBytes, string Runtime, string Os)
{
    public static MachineInfo Current() => new(
        ReadCpu(), Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription);

    /// <summary>The 1-minute load average (Linux), or null.</summary>
    public static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static string ReadCpu()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line != null) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
