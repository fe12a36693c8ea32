using Spectre.Console;

namespace Verification.Cli.Benchmarks;

/// <summary>The benchmark as tables: ours, the peer's, the ratio, and the issue's targets met or not.</summary>
public static class BenchTable
{
    public static void Write(IAnsiConsole console, BenchResult r)
    {
        var s = r.Settings;
        console.MarkupLine($"[bold]{Markup.Escape(r.Model)}[/]: batch {s.Batch} x {s.Sequence} tokens, float32, {s.Threads} threads, best of {s.Rounds} rounds x {s.Repetitions} runs, the engines alternating by round");
        console.MarkupLine(Markup.Escape($"engine (ours): {r.Engine}"));
        console.MarkupLine(Markup.Escape($"{r.Machine.Cpu}, {r.Machine.Processors} processors, {r.Machine.Runtime}; load average {Load(r.LoadBefore)} before, {Load(r.LoadAfter)} after"));
        string peer = r.Peer is null ? $"PyTorch peer skipped: {r.PeerSkipped}"
            : $"PyTorch {r.Peer["torch_version"]} peer, same tokens: max |Δ last-position logit| = {r.PeerMaxLogitDifference:G3}";
        console.MarkupLine(Markup.Escape(peer));

        var t = new Table().AddColumns("measure", "ours", "PyTorch", "ours / PyTorch");
        foreach (var mode in r.Modes.Keys)
            t.AddRow(Markup.Escape(mode.Label + " (tokens/s)"), $"{r.Modes[mode].TokensPerSecond:F0}", Num(r.PeerTokensPerSecond(mode), "F0"), Num(r.Ratio(mode), "F2"));
        if (r.Sweep != null && r.SweepResumed != null)
        {
            t.AddRow(Markup.Escape($"patching sweep, {r.Sweep.Forwards} heads, full forwards (forwards/s)"), $"{r.Sweep.ForwardsPerSecond:F2}", Num(r.PeerSweepPerSecond, "F2"), Num(r.SweepRatio, "F2"));
            t.AddRow(Markup.Escape($"patching sweep, resumed at the patched layer (forwards/s)"), $"{r.SweepResumed.ForwardsPerSecond:F2}", Num(r.PeerSweepResumedPerSecond, "F2"), Num(r.SweepResumedRatio, "F2"));
        }
        if (t.Rows.Count > 0) console.Write(t);

        var g = new Table().AddColumns("matrix multiply", "managed GFLOP/s", "OpenBLAS GFLOP/s", "managed / OpenBLAS");
        foreach (var x in r.Gemm)
            g.AddRow(Markup.Escape(x.Shape.ToString()), $"{x.ManagedGflops:F1}", Num(x.OpenBlasGflops, "F1"), Num(x.Ratio, "F2"));
        if (r.Gemm.Count > 0) console.Write(g);

        if (r.Memory is { } m)
        console.MarkupLine(Markup.Escape($"full-cache run: weights {Mib(m.WeightBytes)}, logits + cache {Mib(m.CachedBytes)}, resident memory " +
            (m.Rss is null ? "not measurable here" : $"{Mib(m.Rss.BaselineBytes)} before, peak {Mib(m.Rss.PeakBytes)} (+{Mib(m.Rss.GrowthBytes)})")));
        var targets = new Table().AddColumns("target", "measured", "wanted", "met");
        foreach (var (name, value, target, met) in r.Targets())
            targets.AddRow(Markup.Escape(name), Num(value, "F2"), Markup.Escape(target), met is null ? "n/a" : met.Value ? "yes" : "[bold]no[/]");
        console.Write(targets);
    }

    private static string Num(double? v, string format) => v is { } x ? x.ToString(format) : "n/a";
    private static string Load(double? v) => v is { } x ? x.ToString("F2") : "unknown";
    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):F0} MiB";
}
