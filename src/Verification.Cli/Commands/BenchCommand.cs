using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Verification.Cli.Benchmarks;

namespace Verification.Cli.Commands;

/// <summary>
/// `bench --model DIR`: forward tokens/s (no cache, full cache, patterns only), a patching sweep and SGEMM GFLOP/s,
/// beside PyTorch (same model, files, tokens, batch, dtype and threads) and OpenBLAS, measured in the same run.
/// </summary>
internal static class BenchCommand
{
    private static readonly BenchSettings Defaults = new() { ModelDirectory = "" };

    public static Command Create(CliConsole console)
    {
        var model = new Option<string>("--model", "-m") { Description = "Model directory (or a registry name in the local cache)", Required = true };
        var batch = new Option<int>("--batch") { Description = "Sequences per forward", DefaultValueFactory = _ => Defaults.Batch };
        var seq = new Option<int>("--seq") { Description = "Tokens per sequence", DefaultValueFactory = _ => Defaults.Sequence };
        var threads = new Option<int>("--threads") { Description = "Threads for our kernels, PyTorch and OpenBLAS", DefaultValueFactory = _ => Defaults.Threads };
        var reps = new Option<int>("--reps") { Description = "Timed repetitions after a warm-up (best kept)", DefaultValueFactory = _ => Defaults.Repetitions };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of ours-then-PyTorch (best of all kept)", DefaultValueFactory = _ => Defaults.Rounds };
        var sweepReps = new Option<int>("--sweep-reps") { Description = "Timed repetitions of the patching sweep", DefaultValueFactory = _ => Defaults.SweepRepetitions };
        var peer = new Option<string>("--peer") { Description = "Python with torch for the PyTorch peer, or 'none'", DefaultValueFactory = _ => TorchPeer.DefaultPython };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file" };
        var modes = new Option<string>("--modes") { Description = $"What to measure, comma-separated: {string.Join(",", BenchModes.All)} (default all)", DefaultValueFactory = _ => string.Join(",", BenchModes.All) };
        var command = new Command("bench", "Benchmark the engine against PyTorch and OpenBLAS on this machine");
        foreach (var o in new Option[] { model, batch, seq, threads, reps, rounds, sweepReps, peer, json, modes }) command.Add(o);
        var engine = new ModelOptions();
        ModelOptions.AddEngineTo(command, engine.Backend, engine.Device);
        command.SetAction(parse =>
        {
            engine.Engine(parse); // the model bench loads gets this engine
            var settings = new BenchSettings
            {
                ModelDirectory = ModelDirectory.Resolve(parse.GetValue(model)!),
                Batch = parse.GetValue(batch), Sequence = parse.GetValue(seq), Threads = parse.GetValue(threads),
                Repetitions = parse.GetValue(reps), Rounds = parse.GetValue(rounds), SweepRepetitions = parse.GetValue(sweepReps),
                PeerPython = parse.GetValue(peer) is "none" or "" ? null : parse.GetValue(peer),
                Modes = BenchModes.Parse(parse.GetValue(modes)!),
            };
            var result = BenchRunner.Run(settings, step => console.Error.WriteLine($"bench: {step}"));
            BenchTable.Write(console.Ansi, result);
            if (parse.GetValue(json) is { } file)
                File.WriteAllText(file.FullName, result.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        });
        return command;
    }
}
