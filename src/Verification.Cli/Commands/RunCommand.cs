using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Verification.Claims.Framework;
using Verification.Claims.Golden;
using Verification.Claims.Reports;
using Verification.Cli.Claims;
using Verification.Tensors.Backends;

namespace Verification.Cli.Commands;

/// <summary>`run`: every claim on every model it can find, gated on the golden numbers, written as report.html, report.md, results.json.</summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var models = new Option<string[]>("--model", "-m")
        {
            Description = "Also run on this model: a directory, a registry name or ORG/REPO in the cache (repeatable). The fixtures and cached published models always run",
            AllowMultipleArgumentsPerToken = true,
        };
        var full = new Option<bool>("--full") { Description = "The documents' own sample sizes (slow; not compared with golden numbers, which are kept at CI sizes)" };
        var outDir = new Option<DirectoryInfo>("--out", "-o") { Description = "Where to write report.html, report.md and results.json", DefaultValueFactory = _ => new DirectoryInfo("out") };
        var seed = new Option<ulong>("--seed") { Description = "Seed every claim derives its random streams from (golden numbers are at the default)", DefaultValueFactory = _ => ClaimRunContext.DefaultSeed };
        var claims = new Option<string[]>("--claim", "-c") { Description = "Only these claims (ids such as G1 A6; repeatable)", AllowMultipleArgumentsPerToken = true };
        var golden = new Option<DirectoryInfo?>("--golden") { Description = "Golden folder (default: golden/ of the checkout; $VERIFICATION_GOLDEN)" };
        var accept = new Option<bool>("--accept") { Description = "Write the measured numbers as the new verified golden numbers (a deliberate act; review the diff)" };

        var engine = new ModelOptions();
        var command = new Command("run", "Run every claim on every model found and write the claim report; exit 1 when a golden number regressed");
        foreach (var o in new Option[] { models, full, outDir, seed, claims, golden, accept }) command.Add(o);
        ModelOptions.AddEngineTo(command, engine.Backend, engine.Device);
        command.SetAction(parse =>
        {
            var choice = engine.Engine(parse); // every model the claims load gets this engine
            var specs = parse.GetValue(claims) is { Length: > 0 } ids ? ids.Select(ClaimCatalog.Get).ToList() : ClaimCatalog.All.ToList();
            var size = parse.GetValue(full) ? RunSize.Full : RunSize.Ci;
            if (size == RunSize.Full && parse.GetValue(accept)) throw new UsageException("--accept records golden numbers, which are kept at CI sizes: drop --full");
            var targets = ClaimTargets.Discover(parse.GetValue(models));
            var goldenDir = parse.GetValue(golden)?.FullName ?? GoldenStore.FindRepositoryDirectory();
            var store = goldenDir == null ? null : new GoldenStore(goldenDir, parse.GetValue(accept) ? true : null);
            var context = new ClaimRunContext(size, parse.GetValue(seed));
            if (context.Seed != ClaimRunContext.DefaultSeed) store = null; // golden numbers are for the default seed only
            var runner = new ClaimRunner(store, context);

            var started = DateTimeOffset.UtcNow;
            var results = Execute(console, runner, specs, targets);
            var report = new ClaimReport(results, size, context.Seed, started, MachineDescription(), choice.Describe(Compute.Backend.Name));
            var files = report.WriteAll(parse.GetValue(outDir)!.FullName);

            PrintSummary(console, report, store, context);
            foreach (var f in files) console.Out.WriteLine($"wrote {f}");
            return report.Regressions > 0 ? ExitCodes.Regression : ExitCodes.Success;
        });
        return command;
    }

    private static List<ClaimResult> Execute(CliConsole console, ClaimRunner runner, IReadOnlyList<ClaimSpec> specs, IReadOnlyList<ModelTarget> targets)
    {
        var work = targets.SelectMany(t => specs.Select(s => (Spec: s, Target: t))).ToList();
        var results = new List<ClaimResult>(work.Count);
        if (!console.Interactive)
        {
            var clock = Stopwatch.StartNew();
            foreach (var (spec, target) in work)
            {
                var r = runner.Run(spec, target);
                results.Add(r);
                if (r.Outcome.Verdict != Verdict.NotRun || r.Golden == GoldenStatus.Mismatch)
                    console.Error.WriteLine($"[{results.Count}/{work.Count} {clock.Elapsed.TotalSeconds,5:F0}s] {spec.Definition.Id} on {target.Name}: " +
                                            $"{GoldenStore.VerdictName(r.Outcome.Verdict)} ({r.Seconds:F1} s){(r.Regressed ? " REGRESSED" : "")}");
            }
            return results;
        }
        console.Ansi.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("claims", maxValue: work.Count);
                foreach (var (spec, target) in work)
                {
                    task.Description = Markup.Escape($"{spec.Definition.Id} on {target.Name}");
                    results.Add(runner.Run(spec, target));
                    task.Increment(1);
                }
                task.Description = "claims";
            });
        return results;
    }

    private static void PrintSummary(CliConsole console, ClaimReport report, GoldenStore? store, ClaimRunContext context)
    {
        var table = new Table().AddColumns("claim", "model", "verdict", "golden", "reason");
        foreach (var r in report.Results.Where(r => r.Outcome.Verdict != Verdict.NotRun || r.Regressed))
            table.AddRow(r.Claim.Id, Markup.Escape(r.Model), VerdictMarkup(r.Outcome.Verdict), Golden(r), Markup.Escape(Shorten(r.Outcome.Reason, 110)));
        console.Ansi.Write(table);
        int notRun = report.Results.Count(r => r.Outcome.Verdict == Verdict.NotRun);
        console.Ansi.MarkupLine($"{report.Results.Count(r => r.Outcome.Verdict == Verdict.Holds)} hold, " +
                                $"{report.Results.Count(r => r.Outcome.Verdict == Verdict.Fails)} fail, {notRun} not run " +
                                "(weights absent or the claim cannot apply: see the report); " +
                                (report.Regressions > 0 ? $"[bold red]{report.Regressions} regressed against golden[/]" : "nothing regressed against golden"));
        foreach (var r in report.Results.Where(r => r.Regressed))
            foreach (var d in r.GoldenDifferences)
                console.Error.WriteLine($"regressed: {r.Claim.Id} on {r.Model}: {d}");
        if (store == null)
            console.Ansi.MarkupLine(context.Seed != ClaimRunContext.DefaultSeed ? "golden numbers not checked: they are recorded at the default seed"
                : context.Size == RunSize.Full ? "" : "golden numbers not checked: no golden/ folder found (--golden DIR)");
        else if (report.Results.Any(r => r.Golden == GoldenStatus.Missing))
            console.Ansi.MarkupLine($"{report.Results.Count(r => r.Golden == GoldenStatus.Missing)} result(s) have no verified golden file yet: " +
                                    $"review the *.received.json in {Markup.Escape(store.Directory)} and run `verification golden accept`");
    }

    private static string VerdictMarkup(Verdict v) => v switch
    {
        Verdict.Holds => "[green]holds[/]", Verdict.Fails => "[red]fails[/]", _ => "not run",
    };

    private static string Golden(ClaimResult r) => r.Golden switch
    {
        GoldenStatus.Match => "match", GoldenStatus.Mismatch => "[bold red]REGRESSED[/]", GoldenStatus.Missing => "missing", _ => "-",
    };

    private static string Shorten(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    private static string MachineDescription()
    {
        var m = Benchmarks.MachineInfo.Current();
        return $"{m.Cpu}, {m.Processors} processors, {m.Os}, {m.Runtime}";
    }
}
