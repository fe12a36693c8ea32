using Verification.Lens.Weights;
using Verification.Loading;
using Verification.Loading.Config;
using Verification.Loading.Safetensors;
using Verification.Loading.Tokenization;
using Verification.Loading.Torch;

namespace Verification.Lens;

/// <summary>What was found in a model directory, for `inspect` and reports.</summary>
public sealed record ModelFiles(string Directory, string ConfigPath, string WeightsPath, string Format, ITextTokenizer? Tokenizer);

/// <summary>
/// Builds a hooked transformer from a model directory: config.json (TransformerLens or Hugging Face GPT-2),
/// weights (model.safetensors or a torch.save .pth/.bin zip), and the tokenizer files when present.
/// </summary>
public static class ModelLoader
{
    // Preferred weight files, in order: safetensors first (no pickle at all), then PyTorch zips.
    private static readonly string[] WeightFileNames = { "model.safetensors", "model_final.pth", "pytorch_model.bin" };

    public static ModelFiles Locate(string directory)
    {
        if (!Directory.Exists(directory))
            throw new ModelFormatException(directory, "model directory does not exist") { FilesMissing = true };
        var config = Path.Combine(directory, "config.json");
        if (!File.Exists(config))
            throw new ModelFormatException(directory, "no config.json in the model directory") { FilesMissing = true };
        var weights = WeightFileNames.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists)
            ?? Directory.EnumerateFiles(directory, "*.safetensors").Concat(Directory.EnumerateFiles(directory, "*.pth")).OrderBy(p => p, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new ModelFormatException(directory, "no weights file (model.safetensors, model_final.pth, pytorch_model.bin, *.safetensors or *.pth)") { FilesMissing = true };
        var format = weights.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? "safetensors" : "pytorch-zip";
        return new ModelFiles(directory, config, weights, format, TokenizerLoader.FromDirectory(directory));
    }

    public static HookedTransformer Load(string directory, WeightProcessingOptions? processing = null)
    {
        var files = Locate(directory);
        var config = ModelConfigReader.Read(files.ConfigPath);
        var dict = files.Format == "safetensors" ? SafetensorsReader.Read(files.WeightsPath) : TorchCheckpointReader.Read(files.WeightsPath);
        CheckFinite(dict);
        var weights = FromStateDict(dict, config);
        processing ??= WeightProcessingOptions.Default;
        if (processing.Any) (config, weights) = WeightProcessing.Apply(config, weights, processing);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return new HookedTransformer(config, weights, files.Tokenizer, name);
    }

    /// <summary>
    /// Rule: NaN in any weight is refused (every prediction would be NaN); an infinity is refused in any tensor of more
    /// than one element (a scalar -inf is TransformerLens's IGNORE mask value, which is legitimate).
    /// </summary>
    public static void CheckFinite(StateDict dict)
    {
        foreach (var (name, t) in dict)
        {
            var data = t.Data;
            bool single = data.Length <= 1;
            for (int i = 0; i < data.Length; i++)
            {
                float v = data[i];
                if (float.IsNaN(v) || (!single && float.IsInfinity(v)))
                    throw new ModelFormatException(dict.SourcePath, $"tensor '{Verification.Loading.Safetensors.MessageText.Safe(name)}' holds {v} at element {i}; weights must be finite");
            }
        }
    }

    /// <summary>Converts a state dict to TransformerLens weights according to the config's family.</summary>
    public static TransformerWeights FromStateDict(StateDict dict, ModelConfig config) => config.Family switch
    {
        ModelFamily.HuggingFaceGpt2 => Gpt2Weights.FromStateDict(dict, config),
        _ => TransformerLensWeights.FromStateDict(dict, config),
    };
}
