using Verification.Claims.Framework;
using Verification.Hub;
using ModelTarget = Verification.Claims.Framework.ModelTarget;

namespace Verification.Cli.Claims;

/// <summary>One `--model` of a run, with its `--name` (display and golden name) and `--as` (the published model it stands in for).</summary>
public sealed record ModelRequest(string Model, string? Name = null, string? As = null);

/// <summary>The models a run covers, which of them were asked for by name (a failure to run one is exit 3), and notes to print.</summary>
public sealed record TargetSelection(IReadOnlyList<ModelTarget> Targets, IReadOnlyList<ModelTarget> Requested, IReadOnlyList<string> Notes);

/// <summary>
/// The models a claim run covers. With no --model: the fixtures and the published models (run where their weights are in
/// the Hugging Face cache, "not run: weights absent" otherwise). With --model: exactly the models given (the fixtures too
/// only with --fixtures). A model directory is the user's own model, known by its name and content digest, never taken for
/// a published model because of its folder's name (`--as NAME` makes it a stand-in). Shared by `run` and the specs.
/// </summary>
public static class ClaimTargets
{
    /// <summary>The fixtures and the published models: what the specs and a plain `run` cover.</summary>
    public static IReadOnlyList<ModelTarget> Discover(HubSettings? hub = null)
    {
        hub ??= HubSettings.FromEnvironment();
        var targets = new List<ModelTarget>(ModelCatalog.Fixtures());
        targets.AddRange(ModelCatalog.Published(name => ResolveCached(name, hub)));
        return targets;
    }

    public static TargetSelection Select(IReadOnlyList<ModelRequest> requests, bool withFixtures, HubSettings? hub = null)
    {
        hub ??= HubSettings.FromEnvironment();
        if (requests.Count == 0) return new TargetSelection(Discover(hub), Array.Empty<ModelTarget>(), Array.Empty<string>());
        var defaults = Discover(hub);
        var targets = withFixtures ? new List<ModelTarget>(defaults) : new List<ModelTarget>();
        var requested = new List<ModelTarget>();
        var notes = new List<string>();
        var seenDirectories = new Dictionary<string, ModelTarget>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var target = Target(request, defaults, hub, notes);
            // The same folder given twice is one model; the same name on two folders is two models (see Unique).
            if (target.Directory != null && seenDirectories.TryGetValue(Path.GetFullPath(target.Directory), out var same))
            {
                if (!requested.Contains(same)) requested.Add(same);
                continue;
            }
            var existing = targets.FindIndex(t => t.Name == target.Name && t.Kind == target.Kind && t.Kind == TargetKind.Published);
            if (existing >= 0) { targets[existing] = target; }
            else
            {
                if (targets.Any(t => t.Name == target.Name))
                {
                    if (request.Name != null || request.As != null)
                        throw new UsageException($"--model {request.Model}: the name '{target.Name}' is already taken by another model of this run; give another --name");
                    var unique = Unique(target, targets);
                    notes.Add($"{request.Model}: another model of this run is also called '{target.Name}', so this one runs as '{unique.Name}' (--name sets it)");
                    target = unique;
                }
                targets.Add(target);
            }
            requested.Add(target);
            if (target.Directory != null) seenDirectories[Path.GetFullPath(target.Directory)] = target;
        }
        return new TargetSelection(targets, requested, notes);
    }

    private static ModelTarget Target(ModelRequest request, IReadOnlyList<ModelTarget> defaults, HubSettings hub, List<string> notes)
    {
        var published = ModelCatalog.PublishedModels.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        if (request.As is { } asName && !published.Contains(asName))
            throw new UsageException($"--as {asName}: not a published model (one of {string.Join(", ", published)})");
        if (request.Name is { } n)
        {
            if (n.Length == 0 || n.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || n.Contains('.'))
                throw new UsageException($"--name '{n}': a model name is used in golden file names; use letters, digits, '-' and '_'");
            if (published.Contains(n))
                throw new UsageException($"--name {n}: that is a published model's name; a local model runs as a stand-in for it with --as {n}");
            if (request.As != null) throw new UsageException("--name and --as together: a stand-in is known by the published model's name");
        }

        if (Directory.Exists(request.Model))
        {
            var directory = Path.GetFullPath(request.Model);
            // A directory `models synth` wrote carries a stand-in mark naming the published model: it runs as --as that model.
            var marked = request.Name == null ? Verification.Lens.StandIns.StandInMarker.Read(directory) : null;
            if ((request.As ?? (marked != null && published.Contains(marked) ? marked : null)) is { } stand)
            {
                var family = ModelCatalog.PublishedModels.First(p => p.Name == stand).Family;
                return ModelCatalog.FromDirectory(stand, TargetKind.StandIn, directory, family: family);
            }
            var name = request.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
            if (published.Contains(name))
            {
                // Specs judge by name: a local folder called gpt2-small must not be judged as the published gpt2-small.
                notes.Add($"{request.Model}: a local model in a folder named like the published {name}; it runs as '{name}-local' " +
                          $"(--name sets another name; --as {name} runs it as a stand-in for the published model)");
                name += "-local";
            }
            return ModelCatalog.FromDirectory(name, TargetKind.User, directory);
        }

        if (defaults.FirstOrDefault(t => t.Kind == TargetKind.Published && t.Name == request.Model) is { } known)
        {
            if (request.As != null || request.Name != null)
                throw new UsageException($"--model {request.Model} is a published model: --name and --as apply to a model directory");
            return known;
        }
        // Not a directory and not a published model: ORG/REPO or a registry name in the cache (unknown names are exit 2).
        string dir;
        try { dir = Commands.ModelDirectory.Resolve(request.Model); }
        catch (HubException e) when (!e.BadInput)
        {
            return ModelCatalog.FromDirectory(request.Name ?? SafeName(request.Model), TargetKind.User, null, $"not run: {e.Message}");
        }
        if (request.As is { } standIn)
            return ModelCatalog.FromDirectory(standIn, TargetKind.StandIn, dir, family: ModelCatalog.PublishedModels.First(p => p.Name == standIn).Family);
        return ModelCatalog.FromDirectory(request.Name ?? SafeName(request.Model), TargetKind.User, dir);
    }

    // Two folders with one name: the second takes its parent folder's name as a prefix (stable across weight changes).
    private static ModelTarget Unique(ModelTarget target, IReadOnlyList<ModelTarget> taken)
    {
        var parent = target.Directory is { } d ? Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(d))) : null;
        var candidate = string.IsNullOrEmpty(parent) ? target.Name : $"{parent}-{target.Name}";
        for (int i = 2; taken.Any(t => t.Name == candidate); i++) candidate = $"{target.Name}-{i}";
        return ModelCatalog.FromDirectory(candidate, target.Kind, target.Directory, target.UnavailableReason, target.Family);
    }

    private static string SafeName(string model) => model.Replace("/", "--").Replace("@", "-").Replace(".", "_");

    // A cached model whose files fail their checksums is treated as absent (the resolver refuses it), never loaded.
    private static string? ResolveCached(string name, HubSettings hub)
    {
        if (!ModelResolver.IsAvailable(name, hub)) return null;
        try { return ModelResolver.Resolve(name, hub); }
        catch (HubException) { return null; }
    }
}
