using Verification.Claims.Framework;
using Verification.Hub;
using ModelTarget = Verification.Claims.Framework.ModelTarget;

namespace Verification.Cli.Claims;

/// <summary>
/// The models a claim run covers: the fixtures (always), the published models (run where their weights are in the
/// Hugging Face cache, "not run: weights absent" otherwise) and any --model the user names. Shared by `run` and the specs.
/// </summary>
public static class ClaimTargets
{
    public static IReadOnlyList<ModelTarget> Discover(IEnumerable<string>? extraModels = null, HubSettings? hub = null)
    {
        hub ??= HubSettings.FromEnvironment();
        var targets = new List<ModelTarget>(ModelCatalog.Fixtures());
        targets.AddRange(ModelCatalog.Published(name => ResolveCached(name, hub)));
        foreach (var model in extraModels ?? Array.Empty<string>())
        {
            // A published name given with --model replaces its "weights absent" entry; anything else is added.
            var published = targets.FindIndex(t => t.Kind == TargetKind.Published && t.Name == model);
            var directory = Commands.ModelDirectory.Resolve(model);
            // A model the user names is input: if it cannot load, that is exit 2 now, not "not run" in the report.
            _ = Verification.Lens.ModelLoader.Load(directory, Verification.Lens.Weights.WeightProcessingOptions.None);
            var name = published >= 0 ? model : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
            var target = ModelCatalog.FromDirectory(name, published >= 0 ? TargetKind.Published : TargetKind.Fixture, directory,
                family: published >= 0 ? targets[published].Family : null);
            if (published >= 0) targets[published] = target;
            else if (targets.All(t => t.Name != name)) targets.Add(target);
        }
        return targets;
    }

    // A cached model whose files fail their checksums is treated as absent (the resolver refuses it), never loaded.
    private static string? ResolveCached(string name, HubSettings hub)
    {
        if (!ModelResolver.IsAvailable(name, hub)) return null;
        try { return ModelResolver.Resolve(name, hub); }
        catch (HubException) { return null; }
    }
}
