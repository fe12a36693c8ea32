using System.CommandLine;
using Verification.Hub;
using Verification.Lens.StandIns;

namespace Verification.Cli.Commands;

/// <summary>`models list` and `models pull NAME|ORG/REPO [--revision REV]`: the published models, through the Hugging Face cache.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("models", "List, and download into the Hugging Face cache, the published models the claims are about");

        var list = new Command("list", "Show the registry's models and whether each is in the local cache (HF_HOME)");
        list.SetAction(_ => { HubCommands.List(console.Out); return ExitCodes.Success; });

        var name = new Argument<string>("model") { Description = "A registry name (attn-only-2l, gpt2-small, chronos-t5-tiny, ...) or ORG/REPO[@REV]" };
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit (default main)" };
        var pull = new Command("pull", "Download a model (resumable, checksummed, atomic) into the cache; HF_ENDPOINT, HF_HOME, HF_TOKEN, HF_HUB_OFFLINE apply");
        pull.Add(name);
        pull.Add(revision);
        pull.SetAction((parse, ct) => PullProgress.RunAsync(console,
            progress => HubCommands.Pull(parse.GetValue(name)!, parse.GetValue(revision), console.Out, progress, ct)));

        command.Add(list);
        command.Add(pull);
        command.Add(Synth(console));
        return command;
    }

    /// <summary>`models synth gpt2-small|attn-only-2l --out DIR`: a stand-in with seeded random weights at the published shapes.</summary>
    private static Command Synth(CliConsole console)
    {
        var model = new Argument<string>("model") { Description = string.Join(" or ", StandInShape.Models) };
        var output = new Option<string>("--out") { Description = "Directory to write the model into", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights", DefaultValueFactory = _ => 0 };
        var sizes = new (string Name, string Help)[] { ("--layers", "layers"), ("--d-model", "d_model"), ("--heads", "heads"),
            ("--d-head", "d_head"), ("--n-ctx", "positions"), ("--d-vocab", "vocabulary"), ("--d-mlp", "MLP width (GPT-2)") };
        var overrides = sizes.Select(s => new Option<int?>(s.Name) { Description = $"Override the published {s.Help} (a small stand-in for tests)" }).ToArray();
        var synth = new Command("synth", "Write a stand-in: seeded random weights in the published model's file format, names and shapes, marked 'stand-in'");
        synth.Add(model); synth.Add(output); synth.Add(seed);
        foreach (var o in overrides) synth.Add(o);
        synth.SetAction(parse =>
        {
            string name = parse.GetValue(model)!;
            if (!StandInShape.Models.Contains(name))
                throw new UsageException($"models synth {name}: no stand-in for that model (one of {string.Join(", ", StandInShape.Models)})");
            int? V(int i) => parse.GetValue(overrides[i]);
            var p = StandInShape.Published(name);
            var shape = p with
            {
                Layers = V(0) ?? p.Layers, DModel = V(1) ?? p.DModel, Heads = V(2) ?? p.Heads, DHead = V(3) ?? p.DHead,
                NCtx = V(4) ?? p.NCtx, DVocab = V(5) ?? p.DVocab, DMlp = p.IsGpt2 ? V(6) ?? (V(1) is { } d ? 4 * d : p.DMlp) : 0,
            };
            // GPT-2 ties d_head to d_model / heads; derive it when only d_model or heads was given.
            if (shape.IsGpt2 && V(3) == null && shape.Heads > 0) shape = shape with { DHead = shape.DModel / shape.Heads };
            if (shape.Problem() is { } problem) throw new UsageException($"models synth {name}: {problem}");
            string dir = parse.GetValue(output)!;
            var tokenizer = Verification.Claims.Framework.ModelCatalog.FindFixturesDirectory() is { } f ? Path.Combine(f, "gpt2-tokenizer") : null;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var files = StandInWriter.Write(shape, dir, parse.GetValue(seed), tokenizer);
            console.Out.WriteLine($"{dir}: stand-in for {name} ({shape.Layers} layers, d_model {shape.DModel}, {shape.Heads} heads of {shape.DHead}, " +
                                  $"n_ctx {shape.NCtx}, d_vocab {shape.DVocab}, {shape.Parameters:N0} parameters, seed {parse.GetValue(seed)}) in {sw.Elapsed.TotalSeconds:F1} s");
            foreach (var file in files) console.Out.WriteLine($"  {Path.GetFileName(file)}");
            return ExitCodes.Success;
        });
        return synth;
    }
}
