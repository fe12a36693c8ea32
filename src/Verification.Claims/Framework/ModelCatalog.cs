using Verification.Lens;
using Verification.Lens.T5;
using Verification.Loading.Config;

namespace Verification.Claims.Framework;

/// <summary>
/// The models claims run on, by name: the published models the documents measured (present only where their weights are)
/// and the project's fixtures (always present in a checkout).
/// </summary>
public static class ModelCatalog
{
    /// <summary>The fixtures, in the order reports list them (the T5 ones run only the Chronos claims).</summary>
    public static readonly string[] FixtureNames = { "attn-only-2l-induction", "attn-only-2l-mini", "gpt2-mini", "t5-tiny-relu", "t5-tiny-gated", "chronos-t5-induction" };

    /// <summary>Fixtures listed only when the checkout has them (a fixture another change adds).</summary>
    public static readonly string[] OptionalFixtureNames = { "chronos-t5-induction" };

    /// <summary>Published models: name → family.</summary>
    public static readonly (string Name, string Family)[] PublishedModels =
    {
        ("attn-only-2l", "attn-only"), ("gpt2-small", "gpt2"),
        ("chronos-t5-tiny", "t5"), ("chronos-t5-mini", "t5"), ("chronos-t5-small", "t5"), ("chronos-t5-base", "t5"), ("chronos-t5-large", "t5"),
    };

    /// <summary>The fixtures folder: $VERIFICATION_FIXTURES, else fixtures/ beside Verification.sln above the working directory or the binaries.</summary>
    public static string? FindFixturesDirectory()
    {
        if (Environment.GetEnvironmentVariable("VERIFICATION_FIXTURES") is { Length: > 0 } env && Directory.Exists(env)) return env;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "fixtures");
                if (File.Exists(Path.Combine(candidate, "attn-only-2l-mini", "config.json"))) return candidate;
            }
        return null;
    }

    public static IReadOnlyList<ModelTarget> Fixtures(string? fixturesDirectory = null)
    {
        var root = fixturesDirectory ?? FindFixturesDirectory();
        return FixtureNames.Select(name =>
        {
            var dir = root == null ? null : Path.Combine(root, name);
            bool present = dir != null && File.Exists(Path.Combine(dir, "config.json"));
            if (!present && OptionalFixtureNames.Contains(name)) return null;
            return FromDirectory(name, TargetKind.Fixture, present ? dir : null, present ? null : "fixture missing from this checkout");
        }).OfType<ModelTarget>().ToList();
    }

    /// <summary>Published models, each resolved to a directory by <paramref name="resolve"/> (null when its weights are absent).</summary>
    public static IReadOnlyList<ModelTarget> Published(Func<string, string?> resolve) =>
        PublishedModels.Select(p =>
        {
            string? dir = null;
            try { dir = resolve(p.Name); } catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException) { }
            return FromDirectory(p.Name, TargetKind.Published, dir, dir == null ? $"not run: weights absent (verification models pull {p.Name})" : null, p.Family);
        }).ToList();

    /// <summary>A target for any model directory (e.g. `run --model DIR`).</summary>
    public static ModelTarget FromDirectory(string name, TargetKind kind, string? directory, string? unavailable = null, string? family = null)
    {
        if (directory == null) return new ModelTarget(name, kind, family ?? "unknown", null, unavailable ?? "not run: weights absent", null);
        string fam = family ?? FamilyOf(directory);
        if (fam == "t5") return new ModelTarget(name, kind, fam, directory, unavailable, null, () => Verification.Torch.EngineChoice.Current.Apply(HookedEncoderDecoder.Load(directory)));
        return new ModelTarget(name, kind, fam, directory, unavailable, () => Verification.Torch.EngineChoice.Current.Apply(ModelLoader.Load(directory)));
    }

    private static string FamilyOf(string directory)
    {
        try
        {
            if (T5ConfigReader.IsT5(Path.Combine(directory, "config.json"))) return "t5";
            var c = ModelConfigReader.Read(Path.Combine(directory, "config.json"));
            return c.AttnOnly ? "attn-only" : c.Family == ModelFamily.HuggingFaceGpt2 ? "gpt2" : "transformer";
        }
        catch (Verification.Loading.ModelFormatException) { return "unknown"; }
    }
}
