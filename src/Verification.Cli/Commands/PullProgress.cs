using Spectre.Console;
using Verification.Hub;

namespace Verification.Cli.Commands;

/// <summary>Shows a pull's progress: bars per file on a terminal, one line per finished file in logs.</summary>
internal static class PullProgress
{
    public static async Task<int> RunAsync(CliConsole console, Func<IProgress<DownloadProgress>, Task<int>> pull)
    {
        if (!console.Interactive) return await pull(new LineProgress(console.Error));
        int code = 0;
        await console.Ansi.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new Progress<DownloadProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.File, out var task))
                        tasks[p.File] = task = ctx.AddTask(Markup.Escape(p.File), maxValue: Math.Max(1, p.TotalBytes ?? 1));
                    if (p.TotalBytes is { } total) task.MaxValue = Math.Max(1, total);
                    task.Value = p.FromCache ? task.MaxValue : p.BytesDone;
                });
                code = await pull(progress);
            });
        return code;
    }

    /// <summary>Progress for logs: one line per file when it completes.</summary>
    private sealed class LineProgress(TextWriter output) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress p)
        {
            if (p.IsComplete) output.WriteLine($"{p.Repo}/{p.File}: {(p.FromCache ? "cached, verified" : $"{p.BytesDone:N0} bytes")}");
        }
    }
}
