namespace Verification.Hub;

/// <summary>
/// Turns what a user gives to <c>--model</c> into a local directory: an existing directory as is; a registry name
/// (<c>gpt2-small</c>) or <c>ORG/REPO</c>, optionally <c>@REVISION</c> (default main), into its cached snapshot
/// directory. Never touches the network. Every file of the model is checked against its pinned or recorded size and
/// SHA-256 before the directory is returned, so a corrupted or modified cache is refused, not used.
/// Tokenizer files of a registry entry's extra repository lie in the model directory's <c>tokenizer/</c> subfolder
/// (e.g. attn-only-2l: <c>DIR/tokenizer/tokenizer.json</c>).
/// </summary>
public static class ModelResolver
{
    /// <summary>The model's directory; <see cref="HubException"/> when absent ("run: verification models pull NAME") or corrupted.</summary>
    public static string Resolve(string nameOrDir, HubSettings settings)
    {
        if (Directory.Exists(nameOrDir)) return Path.GetFullPath(nameOrDir);
        try
        {
            return ResolveCached(nameOrDir, settings);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HubException($"cannot read the cached model '{nameOrDir}' under {settings.CacheDirectory}: {e.Message}", e);
        }
    }

    private static string ResolveCached(string nameOrDir, HubSettings settings)
    {
        var target = Parse(nameOrDir);
        var cache = new HubCache(settings.CacheDirectory);
        var commit = cache.ResolveCommit(target.Repo, target.Revision) ?? throw NotPulled(nameOrDir, target, "not in the cache");
        var directory = cache.SnapshotFolder(target.Repo, commit);
        var integrity = cache.Integrity(target.Repo);
        var files = ExpectedFiles(target, integrity, commit);
        if (files.Count == 0) throw NotPulled(nameOrDir, target, "no files recorded for the cached snapshot");

        foreach (var (relative, pinned) in files)
        {
            var path = cache.FilePath(target.Repo, commit, relative);
            if (!File.Exists(path)) throw NotPulled(nameOrDir, target, $"{relative} is missing from {directory}");
            var recorded = pinned is null ? integrity.Lookup(commit, relative) : null;
            if (pinned is null && recorded is null)
                throw NotPulled(nameOrDir, target, $"{relative} has no recorded checksum");
            var (size, sha) = pinned is not null ? (pinned.Size, pinned.Sha256) : (recorded!.Value.Size, recorded.Value.Sha256);
            if (FileDigest.Mismatch(size, sha, FileDigest.Compute(path)) is { } problem)
                throw new HubException($"{path}: corrupted or modified in the cache ({problem}); run: verification models pull {nameOrDir}");
        }
        return directory;
    }

    /// <summary>Resolve with settings from the process environment (HF_HOME, HF_HUB_CACHE, ...).</summary>
    public static string Resolve(string nameOrDir) => Resolve(nameOrDir, HubSettings.FromEnvironment());

    /// <summary>
    /// Whether <see cref="Resolve(string, HubSettings)"/> can find the model: a directory, or a cached snapshot with every
    /// file present at its expected size. Cheap (no hashing); for "not run: weights absent" decisions.
    /// </summary>
    public static bool IsAvailable(string nameOrDir, HubSettings? settings = null)
    {
        if (Directory.Exists(nameOrDir)) return true;
        settings ??= HubSettings.FromEnvironment();
        try
        {
            var target = Parse(nameOrDir);
            var cache = new HubCache(settings.CacheDirectory);
            if (cache.ResolveCommit(target.Repo, target.Revision) is not { } commit) return false;
            var integrity = cache.Integrity(target.Repo);
            var files = ExpectedFiles(target, integrity, commit);
            return files.Count > 0 && files.All(f =>
            {
                var info = new FileInfo(cache.FilePath(target.Repo, commit, f.Relative));
                var size = f.Pinned?.Size ?? integrity.Lookup(commit, f.Relative)?.Size;
                return info.Exists && (size == info.Length || (size is null && f.Pinned is not null));
            });
        }
        catch (HubException)
        {
            return false;
        }
    }

    /// <summary>Registry entry, repository and revision meant by NAME, ORG/REPO, NAME@REV or ORG/REPO@REV.</summary>
    public static ModelTarget Parse(string nameOrRepo)
    {
        var at = nameOrRepo.LastIndexOf('@');
        var name = at > 0 ? nameOrRepo[..at] : nameOrRepo;
        var asked = at > 0 ? nameOrRepo[(at + 1)..] : null;
        if (asked != null) RepoId.RequireRevision(asked);
        // A registry entry's own revision (its pin) unless NAME@REV asks for another; a bare repository follows "main".
        if (ModelRegistry.Find(name) is { } entry) return new ModelTarget(entry.Name, entry.Repo, asked ?? entry.Revision, entry);
        if (name.Contains('/') && RepoId.IsValidRepo(name))
            return ModelRegistry.FindByRepo(name) is { } byRepo
                ? new ModelTarget(name, name, asked ?? byRepo.Revision, byRepo)
                : new ModelTarget(name, name, asked ?? "main", null);
        throw new HubException($"'{nameOrRepo}' is neither a directory nor a known model (known: {string.Join(", ", ModelRegistry.All.Select(e => e.Name))}; or give ORG/REPO)", badInput: true);
    }

    // Registry entries list their files (pinned ones with their checksum); a bare repository has the files its pull recorded.
    private static List<(string Relative, HubFileSpec? Pinned)> ExpectedFiles(ModelTarget target, IntegrityLockFile integrity, string commit)
    {
        if (target.Entry is { } entry)
            return entry.Files.Select(f => (f.Name, f.IsPinned ? f : null))
                .Concat(entry.ExtraRepos.SelectMany(x => x.Files.Select(f => ($"{x.TargetFolder}/{f.Name}", (HubFileSpec?)null))))
                .ToList();
        return integrity.FilesOf(commit).Select(f => (f, (HubFileSpec?)null)).ToList();
    }

    private static HubException NotPulled(string given, ModelTarget target, string why) =>
        new($"model '{given}' ({target.Repo}@{target.Revision}) is not available: {why}; run: verification models pull {given}");
}

/// <summary>A parsed model name: the registry entry when it is one, its repository and revision.</summary>
public sealed record ModelTarget(string Name, string Repo, string Revision, ModelEntry? Entry);
