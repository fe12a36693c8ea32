namespace Verification.Hub;

/// <summary>One file of a repository; <see cref="Size"/> and <see cref="Sha256"/> pin its content when known.</summary>
public sealed record HubFileSpec(string Name, long? Size = null, string? Sha256 = null)
{
    public bool IsPinned => Sha256 is not null;
}

/// <summary>
/// Files taken from another repository (a tokenizer) and placed inside the model's directory under
/// <see cref="TargetFolder"/> (e.g. "tokenizer"), so one directory holds everything the model needs.
/// </summary>
public sealed record ExtraRepoFiles(string Repo, IReadOnlyList<HubFileSpec> Files, string TargetFolder, string Revision = "main");

/// <summary>A published model the suite knows by a short name.</summary>
public sealed record ModelEntry(
    string Name,
    string Repo,
    IReadOnlyList<HubFileSpec> Files,
    IReadOnlyList<ExtraRepoFiles> ExtraRepos,
    string Description)
{
    /// <summary>Every file the resolved model directory holds, as paths relative to it.</summary>
    public IEnumerable<string> RelativePaths =>
        Files.Select(f => f.Name).Concat(ExtraRepos.SelectMany(x => x.Files.Select(f => $"{x.TargetFolder}/{f.Name}")));
}

/// <summary>The published models claims run on, pulled with <c>verification models pull NAME</c>.</summary>
public static class ModelRegistry
{
    public const string TokenizerFolder = "tokenizer";

    public static IReadOnlyList<ModelEntry> All { get; } = Build();

    /// <summary>The entry with this name (case-insensitive), or null.</summary>
    public static ModelEntry? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The entry with this name, or a <see cref="HubException"/> listing the known names.</summary>
    public static ModelEntry Get(string name) =>
        Find(name) ?? throw new HubException($"unknown model '{name}' (known: {string.Join(", ", All.Select(e => e.Name))}; or give ORG/REPO)", badInput: true);

    /// <summary>The entry whose repository is <paramref name="repo"/>, or null.</summary>
    public static ModelEntry? FindByRepo(string repo) =>
        All.FirstOrDefault(e => string.Equals(e.Repo, repo, StringComparison.Ordinal));

    private static IReadOnlyList<ModelEntry> Build()
    {
        var list = new List<ModelEntry>
        {
            new("attn-only-2l", "NeelNanda/Attn_Only_2L512W_C4_Code",
                [new("config.json"), new("model_final.pth")],
                [new ExtraRepoFiles("NeelNanda/gpt-neox-tokenizer-digits", [new("tokenizer.json")], TokenizerFolder)],
                "2-layer attention-only transformer (d_model 512) trained on C4 + code; TransformerLens state dict"),
            new("gpt2-small", "gpt2",
                [
                    new("config.json"),
                    new("model.safetensors", 548_105_171, "248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707"),
                    new("vocab.json"),
                    new("merges.txt"),
                ],
                [],
                "GPT-2 small (124M), OpenAI weights in Hugging Face layout"),
        };
        foreach (var size in new[] { "tiny", "mini", "small", "base", "large" })
            list.Add(new ModelEntry($"chronos-t5-{size}", $"amazon/chronos-t5-{size}",
                [new("config.json"), new("model.safetensors")], [],
                $"Chronos T5 ({size}) time-series forecasting model"));
        return list;
    }
}
