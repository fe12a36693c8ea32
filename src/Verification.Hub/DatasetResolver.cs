namespace Verification.Hub;

/// <summary>A parsed dataset name: the registry entry when it is one, its repository, revision and the files it should hold.</summary>
public sealed record DatasetTarget(string Name, string Repo, string Revision, DatasetEntry? Entry)
{
    /// <summary>The pinned files when this is the entry at its pinned commit; otherwise null (files as first downloaded).</summary>
    public IReadOnlyList<HubFileSpec>? PinnedFiles => Entry is { } e && Revision == e.Revision ? e.Files : null;

    /// <summary>The files to pull: the entry's (pinned at its commit, names only at another revision), or null (the repository's defaults).</summary>
    public IReadOnlyList<HubFileSpec>? FilesToPull => Entry is { } e ? PinnedFiles ?? e.Files.Select(f => new HubFileSpec(f.Name)).ToList() : null;
}

/// <summary>
/// Finds a pulled dataset in the cache without touching the network, as <see cref="ModelResolver"/> finds models: every file
/// checked against its pinned or recorded size and SHA-256 before the snapshot directory is returned, so a corrupted or
/// modified dataset is refused, never read.
/// </summary>
public static class DatasetResolver
{
    /// <summary>NAME, ORG/REPO, NAME@REV or ORG/REPO@REV; a registry entry's default revision is its pinned commit, any other's main.</summary>
    public static DatasetTarget Parse(string nameOrRepo)
    {
        var at = nameOrRepo.LastIndexOf('@');
        var name = at > 0 ? nameOrRepo[..at] : nameOrRepo;
        var revision = at > 0 ? nameOrRepo[(at + 1)..] : null;
        if (revision != null) RepoId.RequireRevision(revision);
        if (DatasetRegistry.Find(name) is { } entry) return new DatasetTarget(entry.Name, entry.Repo, revision ?? entry.Revision, entry);
        if (name.Contains('/') && RepoId.IsValidRepo(name)) return new DatasetTarget(name, name, revision ?? "main", null);
        throw new HubException($"'{nameOrRepo}' is neither a known dataset ({string.Join(", ", DatasetRegistry.All.Select(e => $"{e.Name} = {e.Repo}"))}) nor ORG/REPO", badInput: true);
    }

    /// <summary>The snapshot directory and the verified files' relative paths; <see cref="HubException"/> when absent or corrupted.</summary>
    public static (string Directory, IReadOnlyList<string> Files) Resolve(DatasetTarget target, HubSettings settings)
    {
        try
        {
            var cache = new HubCache(settings.CacheDirectory, RepoKind.Dataset);
            var commit = cache.ResolveCommit(target.Repo, target.Revision) ?? throw NotPulled(target, "not in the cache");
            var integrity = cache.Integrity(target.Repo);
            var files = Expected(target, integrity, commit);
            if (files.Count == 0) throw NotPulled(target, "no files recorded for the cached snapshot");
            foreach (var (relative, pinned) in files)
            {
                var path = cache.FilePath(target.Repo, commit, relative);
                if (!File.Exists(path)) throw NotPulled(target, $"{relative} is missing from {cache.SnapshotFolder(target.Repo, commit)}");
                var expected = pinned ?? (integrity.Lookup(commit, relative) is { } r ? new HubFileSpec(relative, r.Size, r.Sha256) : null)
                               ?? throw NotPulled(target, $"{relative} has no recorded checksum");
                if (FileDigest.Mismatch(expected.Size, expected.Sha256, FileDigest.Compute(path)) is { } problem)
                    throw new HubException($"{path}: corrupted or modified in the cache ({problem}); run: {Command(target)}");
            }
            return (cache.SnapshotFolder(target.Repo, commit), files.Select(f => f.Relative).ToList());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HubException($"cannot read the cached dataset {target.Repo} under {settings.CacheDirectory}: {e.Message}", e);
        }
    }

    /// <summary>The command that pulls <paramref name="target"/>.</summary>
    public static string Command(DatasetTarget target) =>
        $"{RepoKinds.PullCommand(RepoKind.Dataset)} {target.Repo}{(target.Entry is { } e && target.Revision == e.Revision ? "" : "@" + target.Revision)}";

    // A registry entry lists its files (pinned at its commit); a bare repository has the files its pull recorded.
    private static List<(string Relative, HubFileSpec? Pinned)> Expected(DatasetTarget target, IntegrityLockFile integrity, string commit)
    {
        if (target.PinnedFiles is { } pinned) return pinned.Select(f => (f.Name, (HubFileSpec?)f)).ToList();
        if (target.Entry is { } entry) return entry.Files.Select(f => (f.Name, (HubFileSpec?)null)).ToList();
        return integrity.FilesOf(commit).Select(f => (f, (HubFileSpec?)null)).ToList();
    }

    private static HubException NotPulled(DatasetTarget target, string why) =>
        new($"dataset {target.Repo}@{target.Revision} is not available: {why}; run: {Command(target)}");
}
