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

/// <summary>A published model the suite knows by a short name, at <see cref="Revision"/> unless NAME@REV asks for another.</summary>
public sealed record ModelEntry(
    string Name,
    string Repo,
    IReadOnlyList<HubFileSpec> Files,
    IReadOnlyList<ExtraRepoFiles> ExtraRepos,
    string Description,
    string Revision = "main")
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
        // Chronos: model.safetensors sha256 (and size where known) from each file's Hugging Face page (Git LFS details); the
        // revision is the main-branch commit that added model.safetensors (tiny, mini, small). For base and large only the
        // conversion pull request's commit was found, so they follow "main", the file still pinned by its sha256.
        list.Add(Chronos("tiny", "eed458758bd8165d80f496a90bcd2cfed9f1bf7d7b08677acd64e0f7d72bdcf2", 33_588_440, "129a2d204d6ab4205a0049a160402deefaf161b2", "8M"));
        list.Add(Chronos("mini", "5cf49253460171e8dfc3a75cfd5e3796091352ec48df16baeb8a1bfeacef769c", null, "560c5469def38533a553e470503378345df0f5dc", "20M"));
        list.Add(Chronos("small", "9c8b6fde5300f72b01c173153bf9288fa0a200614275bf0585071ad71a6a3d43", null, "da0eb423156e8761c8540ccdbad501f38bc46142", "46M"));
        list.Add(Chronos("base", "44a2eef44aa13d9048a625ea289beb1ea5d709d7b2044f72134c974132644bf2", null, "main", "200M"));
        list.Add(Chronos("large", "dad1e592a5ba771788d47fd3868f174eeb07e7ca0c4d6dc5ab77674952f452e1", null, "main", "710M"));
        return list;
    }

    private static ModelEntry Chronos(string size, string sha256, long? bytes, string revision, string parameters) =>
        new($"chronos-t5-{size}", $"amazon/chronos-t5-{size}", [new("config.json"), new("model.safetensors", bytes, sha256)], [],
            $"Chronos T5 ({size}, {parameters}) time-series forecasting model; config.json carries chronos_config", revision);
}
