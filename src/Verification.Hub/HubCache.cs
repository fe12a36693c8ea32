namespace Verification.Hub;

/// <summary>
/// The huggingface_hub cache layout under <see cref="HubSettings.CacheDirectory"/>:
/// <c>models--ORG--NAME/snapshots/COMMIT/FILE</c> (<c>datasets--ORG--NAME/...</c> for a dataset), <c>models--ORG--NAME/refs/REVISION</c> (holding the commit),
/// plus this suite's own <c>verification.lock.json</c>, <c>.locks/</c> and <c>.incomplete/</c> in the same folder.
/// Files are plain files in the snapshot (no blobs/ symlinks); caches filled by huggingface_hub (symlinks) read fine.
/// </summary>
public sealed class HubCache
{
    public HubCache(string cacheDirectory, RepoKind kind = RepoKind.Model)
    {
        Root = Path.GetFullPath(cacheDirectory);
        Kind = kind;
    }

    public string Root { get; }

    /// <summary>Whether this view of the cache holds models or datasets.</summary>
    public RepoKind Kind { get; }

    public string RepoFolder(string repo) => Path.Combine(Root, RepoKinds.CachePrefix(Kind) + repo.Replace("/", "--"));

    public string SnapshotFolder(string repo, string commit) => Path.Combine(RepoFolder(repo), "snapshots", commit);

    public string FilePath(string repo, string commit, string relativePath) =>
        Path.Combine(SnapshotFolder(repo, commit), relativePath.Replace('/', Path.DirectorySeparatorChar));

    public string RefPath(string repo, string revision) =>
        Path.Combine(RepoFolder(repo), "refs", revision.Replace('/', Path.DirectorySeparatorChar));

    internal string IncompletePath(string repo, string commit, string relativePath) =>
        Path.Combine(RepoFolder(repo), ".incomplete", commit, relativePath.Replace('/', Path.DirectorySeparatorChar) + ".incomplete");

    internal string LockPath(string repo, string commit, string relativePath) =>
        Path.Combine(RepoFolder(repo), ".locks", commit, relativePath.Replace('/', Path.DirectorySeparatorChar) + ".lock");

    internal IntegrityLockFile Integrity(string repo) => new(RepoFolder(repo));

    /// <summary>The commit a revision points to in the cache (a commit hash names itself), or null when unknown.</summary>
    public string? ResolveCommit(string repo, string revision)
    {
        if (RepoId.IsCommit(revision) && Directory.Exists(SnapshotFolder(repo, revision))) return revision;
        var refPath = RefPath(repo, revision);
        if (!File.Exists(refPath)) return null;
        var commit = File.ReadAllText(refPath).Trim();
        // A ref that does not hold a commit hash would steer us to an arbitrary folder: treat as absent.
        return RepoId.IsCommit(commit) ? commit : null;
    }

    /// <summary>Points <paramref name="revision"/> at <paramref name="commit"/> (written atomically).</summary>
    public void WriteRef(string repo, string revision, string commit)
    {
        if (revision == commit) return;
        var path = RefPath(repo, revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, commit);
    }
}
