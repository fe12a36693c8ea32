using System.Diagnostics;

namespace Verification.Cli.Benchmarks;

/// <summary>Wall-clock timing for a shared machine: one warm-up, then the best of N runs (the least disturbed one).</summary>
public static class Timing
{
    /// <param name="warmUp">What to run first, untimed (default: <paramref name="run"/> itself).</param>
    public static double BestSeconds(Action run, int repetitions, Action? warmUp = null)
    {
        (warmUp ?? run)();
        double best = double.MaxValue;
        for (int r = 0; r < repetitions; r++)
        {
            var sw = Stopwatch.StartNew();
            run();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }
}
