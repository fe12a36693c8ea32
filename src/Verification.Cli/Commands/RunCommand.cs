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
            Description = "Run on exactly these models (repeatable): a model directory (your own model, known by its name and the digest of its " +
                          "config and weights), a published model's name (attn-only-2l, gpt2-small) or ORG/REPO in the cache. Without --model: the fixtures and the cached published models",
            AllowMultipleArgumentsPerToken = true,
        };
        var names = new Option<string[]>("--name") { Description = "Display and golden name of the --model at the same position (default: its folder's name)", AllowMultipleArgumentsPerToken = true };
        var asNames = new Option<string[]>("--as") { Description = "Run the --model at the same position as a stand-in for this published model (published form: the document's heads and numbers)", AllowMultipleArgumentsPerToken = true };
        var fixtures = new Option<bool>("--fixtures") { Description = "Also run the fixtures and published models when --model is given" };
        var full = new Option<bool>("--full") { Description = "The documents' own sample sizes (slow; not compared with golden numbers, which are kept at CI sizes)" };
        var outDir = new Option<DirectoryInfo>("--out", "-o") { Description = "Where to write report.html, report.md and results.json", DefaultValueFactory = _ => new DirectoryInfo("out") };
        var seed = new Option<ulong>("--seed") { Description = "Seed every claim derives its random streams from (golden numbers are at the default)", DefaultValueFactory = _ => ClaimRunContext.DefaultSeed };
        var claims = new Option<string[]>("--claim", "-c") { Description = "Only these claims (ids such as G1 A6; repeatable)", AllowMultipleArgumentsPerToken = true };
        var golden = new Option<DirectoryInfo?>("--golden") { Description = "Golden folder (default: ./golden of the working directory, or $VERIFICATION_GOLDEN)" };
        var accept = new Option<bool>("--accept") { Description = "Write the measured numbers as the new verified golden numbers (a deliberate act; review the diff)" };

        var engine = new ModelOptions();
        var command = new Command("run", "Run every claim on the models and write the claim report, gated on golden numbers. " + ExitCodes.Help);
        foreach (var o in new Option[] { models, names, asNames, fixtures, full, outDir, seed, claims, golden, accept }) command.Add(o);
        ModelOptions.AddEngineTo(command, engine.Backend, engine.Device);
        command.SetAction(parse =>
        {
            var choice = engine.Engine(parse); // every model the claims load gets this engine
            InputChecks.OutputDirectory(parse.GetValue(outDir)!, "--out");
            var specs = parse.GetValue(claims) is { Length: > 0 } ids ? ids.Select(ClaimCatalog.Get).ToList() : ClaimCatalog.All.ToList();
            var size = parse.GetValue(full) ? RunSize.Full : RunSize.Ci;
            if (size == RunSize.Full && parse.GetValue(accept)) throw new UsageException("--accept records golden numbers, which are kept at CI sizes: drop --full");
            var selection = ClaimTargets.Select(Requests(parse.GetValue(models), parse.GetValue(names), parse.GetValue(asNames)), parse.GetValue(fixtures));
            var goldenDir = GoldenDirectory(parse.GetValue(golden), selection);
            var store = new GoldenStore(goldenDir, parse.GetValue(accept) ? true : null);
            var context = new ClaimRunContext(size, parse.GetValue(seed)) { Targets = selection.Targets };
            if (context.Seed != ClaimRunContext.DefaultSeed) store = null; // golden numbers are for the default seed only
            foreach (var note in selection.Notes) console.Error.WriteLine($"note: {note}");
            var couldNotRun = CouldNotRun(selection.Requested);
            var runner = new ClaimRunner(store, context);

            var started = DateTimeOffset.UtcNow;
            var results = Execute(console, runner, specs, selection.Targets);
            var report = new ClaimReport(results, size, context.Seed, started, MachineDescription(), choice.Describe(Compute.Backend.Name));
            var files = report.WriteAll(parse.GetValue(outDir)!.FullName);

            PrintSummary(console, report, store, context);
            foreach (var f in files) console.Out.WriteLine($"wrote {f}");
            foreach (var line in couldNotRun) console.Error.WriteLine($"could not run: {line}");
            if (report.Regressions > 0) return ExitCodes.Regression;
            if (couldNotRun.Count > 0) return ExitCodes.CouldNotRun;
            return results.Any(r => r.Golden == GoldenStatus.Missing) ? ExitCodes.NoGolden : ExitCodes.Success;
        });
        return command;
    }

    private static List<ModelRequest> Requests(string[]? models, string[]? names, string[]? asNames)
    {
        models ??= Array.Empty<string>();
        names ??= Array.Empty<string>();
        asNames ??= Array.Empty<string>();
        if (names.Length > models.Length) throw new UsageException($"{names.Length} --name for {models.Length} --model: each --name names the --model at its position");
        if (asNames.Length > models.Length) throw new UsageException($"{asNames.Length} --as for {models.Length} --model: each --as applies to the --model at its position");
        return models.Select((m, i) => new ModelRequest(m, i < names.Length ? names[i] : null, i < asNames.Length ? asNames[i] : null)).ToList();
    }

    // A user's golden numbers belong in the user's repository: ./golden of the working directory, never the tool's checkout.
    private static string GoldenDirectory(DirectoryInfo? option, TargetSelection selection)
    {
        if (option != null) return option.FullName;
        var dir = GoldenStore.DefaultDirectory();
        bool userModels = selection.Targets.Any(t => t.Kind is TargetKind.User or TargetKind.StandIn);
        if (userModels && Environment.GetEnvironmentVariable("VERIFICATION_GOLDEN") is not { Length: > 0 } && ToolCheckout() is { } tool &&
            (dir + Path.DirectorySeparatorChar).StartsWith(tool + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new UsageException($"{dir} is inside the tool's checkout ({tool}): run from your repository or give --golden DIR for your model's golden numbers");
        return dir;
    }

    private static string? ToolCheckout()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Verification.sln"))) return dir.FullName;
        return null;
    }

    // A model asked for that cannot run (weights absent, say) is exit 3, with the reason; its claims show "not run" in the
    // report. A model whose files are there but malformed is bad input: the ModelFormatException propagates (exit 2, one line).
    private static List<string> CouldNotRun(IReadOnlyList<ModelTarget> requested)
    {
        var lines = new List<string>();
        foreach (var t in requested)
        {
            if (!t.Available) { lines.Add($"{t.Name}: {t.UnavailableReason}"); continue; }
            try { t.Load(); }
            catch (Verification.Loading.ModelFormatException e) when (!e.FilesMissing) { throw; }
            catch (Exception e) when (e is Verification.Loading.ModelFormatException or IOException or InvalidDataException or InvalidOperationException or ArgumentException or UnauthorizedAccessException)
            { lines.Add($"{t.Name}: cannot load {t.Directory}: {e.Message}"); }
        }
        return lines;
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
        if (store == null)
        {
            if (context.Seed != ClaimRunContext.DefaultSeed) console.Ansi.MarkupLine("golden numbers not checked: they are recorded at the default seed");
            return;
        }
        foreach (var note in report.Results.Where(r => r.GoldenNote != null).Select(r => $"{r.Model}: {r.GoldenNote}").Distinct())
            console.Error.WriteLine($"note: {note}");
        foreach (var r in report.Results.Where(r => r.Regressed))
            foreach (var d in r.GoldenDifferences)
                console.Error.WriteLine($"regressed: {r.Claim.Id} on {r.Model}: {d} ({store.VerifiedPath(r.Claim.Id, r.Model)})");
        string acceptCommand = $"verification golden accept --golden {store.Directory}";
        if (report.Regressions > 0)
            console.Error.WriteLine($"if the change is intended, accept the new numbers: {acceptCommand}");
        var missing = report.Results.Where(r => r.Golden == GoldenStatus.Missing).ToList();
        if (missing.Count > 0)
            console.Error.WriteLine($"no golden numbers yet for {string.Join(", ", missing.Select(r => r.Model).Distinct())} ({missing.Count} result(s)): " +
                                    $"review the *.received.json in {store.Directory}, then accept them: {acceptCommand}");
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
