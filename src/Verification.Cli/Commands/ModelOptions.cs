using System.CommandLine;
using Verification.Lens;
using Verification.Lens.Weights;
using Verification.Torch;

namespace Verification.Cli.Commands;

/// <summary>The options every model-reading command shares: which model, whether to process its weights, which engine and device.</summary>
internal sealed class ModelOptions
{
    public Option<string> Model { get; } = new("--model", "-m")
    {
        Description = "Model directory (config.json + weights + tokenizer files), or a registry name / ORG/REPO in the local cache",
        Required = true,
    };

    public Option<bool> NoProcessing { get; } = new("--no-weight-processing")
    {
        Description = "Use the raw weights (skip TransformerLens's fold_ln, center_writing_weights, center_unembed, fold_value_biases)",
    };

    public Option<string?> Backend { get; } = new("--backend")
    {
        Description = "Engine: managed (default) or torch (libtorch); default from VERIFICATION_BACKEND",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EngineChoice.BackendVariable),
    };

    public Option<string?> Device { get; } = new("--device")
    {
        Description = "Device for --backend torch: cpu or cuda (default: cuda when libtorch reports one); default from VERIFICATION_DEVICE",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EngineChoice.DeviceVariable),
    };

    public void AddTo(Command command)
    {
        command.Add(Model);
        command.Add(NoProcessing);
        AddEngineTo(command, Backend, Device);
    }

    /// <summary>Adds --backend/--device (for commands that take a model some other way, such as run and bench).</summary>
    public static void AddEngineTo(Command command, Option<string?> backend, Option<string?> device)
    {
        command.Add(backend);
        command.Add(device);
    }

    /// <summary>The engine chosen on the command line (or by the environment); also made the process-wide choice.</summary>
    public EngineChoice Engine(ParseResult parse) => EngineChoice.Current = EngineChoice.Parse(parse.GetValue(Backend), parse.GetValue(Device));

    public string Directory(ParseResult parse) => ModelDirectory.Resolve(parse.GetValue(Model)!);

    public HookedTransformer Load(ParseResult parse)
    {
        var engine = Engine(parse);
        return engine.Apply(ModelLoader.Load(Directory(parse), parse.GetValue(NoProcessing) ? WeightProcessingOptions.None : WeightProcessingOptions.Default));
    }
}

/// <summary>Turns --model into a directory: an existing directory as is, otherwise a name resolved through the model cache.</summary>
internal static class ModelDirectory
{
    /// <summary>A directory as is; a registry name or ORG/REPO[@REV] from the Hugging Face cache (never the network).</summary>
    public static string Resolve(string model)
    {
        if (System.IO.Directory.Exists(model)) return model;
        if (!model.Contains('/') && !model.Contains('\\') && Hub.ModelRegistry.Find(model.Split('@')[0]) == null && !model.Contains('@'))
            throw new DirectoryNotFoundException($"{model}: no such model directory, and not a registry name (see `verification models list`)");
        return Hub.ModelResolver.Resolve(model);
    }
}
