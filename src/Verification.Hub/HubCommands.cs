namespace Verification.Hub;

/// <summary>What the CLI runs for <c>verification models list|pull</c> and <c>verification datasets list|pull</c>.</summary>
public static class HubCommands
{
    /// <summary>Table of registry models: name, repository, whether cached, path (settings from the environment).</summary>
    public static void List(TextWriter output) => List(output, HubSettings.FromEnvironment());

    public static void List(TextWriter output, HubSettings settings)
    {
        var cache = new HubCache(settings.CacheDirectory);
        var rows = ModelRegistry.All.Select(e =>
        {
            var available = ModelResolver.IsAvailable(e.Name, settings);
            var commit = cache.ResolveCommit(e.Repo, "main");
            return (e.Name, e.Repo, Status: available ? "cached" : "absent",
                Path: available && commit is not null ? cache.SnapshotFolder(e.Repo, commit) : "-");
        }).ToList();
        var nameWidth = Math.Max(4, rows.Max(r => r.Name.Length));
        var repoWidth = Math.Max(4, rows.Max(r => r.Repo.Length));
        output.WriteLine($"{"NAME".PadRight(nameWidth)}  {"REPO".PadRight(repoWidth)}  {"STATUS",-6}  PATH");
        foreach (var r in rows)
            output.WriteLine($"{r.Name.PadRight(nameWidth)}  {r.Repo.PadRight(repoWidth)}  {r.Status,-6}  {r.Path}");
        output.WriteLine($"cache: {settings.CacheDirectory}");
    }

    /// <summary>
    /// Pulls a registry model (NAME) or a repository (ORG/REPO), optionally at <paramref name="revision"/> (or NAME@REV).
    /// Writes a summary (or "error: ..." on one line) to <paramref name="output"/>; returns 0 on success, 2 when the request is wrong (unknown model, no such repository), 3 when it could not be fetched (network, disk, cache).
    /// Settings from the environment.
    /// </summary>
    public static Task<int> Pull(string nameOrRepo, string? revision, TextWriter output,
        IProgress<DownloadProgress>? progress, CancellationToken ct) =>
        Pull(nameOrRepo, revision, output, progress, HubSettings.FromEnvironment(), ct);

    public static async Task<int> Pull(string nameOrRepo, string? revision, TextWriter output,
        IProgress<DownloadProgress>? progress, HubSettings settings, CancellationToken ct)
    {
        try
        {
            var target = ModelResolver.Parse(nameOrRepo);
            var rev = revision ?? target.Revision;
            using var client = new HubClient(settings);
            // A registry entry (also when named by its ORG/REPO) brings its tokenizer files along.
            var result = target.Entry is { } entry
                ? await client.PullAsync(entry, rev, progress, ct)
                : await client.PullRepoAsync(target.Repo, rev, null, progress, ct);
            output.WriteLine($"{target.Name}: {target.Repo}@{rev} = {result.Commit}: {result.Downloaded.Count} downloaded, {result.FromCache.Count} already cached and verified");
            output.WriteLine($"path: {result.Directory}");
            return 0;
        }
        catch (HubException e)
        {
            output.WriteLine($"error: {e.Message}");
            return e.BadInput ? 2 : 3;
        }
    }

    /// <summary>Table of registry datasets: name, repository, pinned commit, whether cached and verified.</summary>
    public static void ListDatasets(TextWriter output, HubSettings settings)
    {
        output.WriteLine("NAME  REPO  REVISION  STATUS  PATH");
        foreach (var e in DatasetRegistry.All)
        {
            var target = DatasetResolver.Parse(e.Name);
            string status, path;
            try { (path, _) = DatasetResolver.Resolve(target, settings); status = "cached"; }
            catch (HubException) { (status, path) = ("absent", "-"); }
            output.WriteLine($"{e.Name}  {e.Repo}  {e.Revision[..8]}  {status}  {path}");
        }
        output.WriteLine($"cache: {settings.CacheDirectory}");
    }

    /// <summary>
    /// Pulls a dataset: a registry entry (NAME or its ORG/REPO: its pinned commit and checksums) or any ORG/REPO (its Parquet
    /// and top-level JSON files, checksums recorded on first download), optionally at <paramref name="revision"/> (or @REV).
    /// Same cache layout (datasets--ORG--NAME), offline mode and integrity rules as models; exit codes as <see cref="Pull(string, string?, TextWriter, IProgress{DownloadProgress}?, HubSettings, CancellationToken)"/>.
    /// </summary>
    public static async Task<int> PullDataset(string nameOrRepo, string? revision, TextWriter output,
        IProgress<DownloadProgress>? progress, HubSettings settings, CancellationToken ct)
    {
        try
        {
            var target = DatasetResolver.Parse(nameOrRepo);
            if (revision != null)
            {
                RepoId.RequireRevision(revision);
                target = target with { Revision = revision };
            }
            using var client = new HubClient(settings, kind: RepoKind.Dataset);
            var result = await client.PullRepoAsync(target.Repo, target.Revision, target.FilesToPull, progress, ct);
            var (directory, files) = DatasetResolver.Resolve(target with { Revision = result.Commit }, settings);
            output.WriteLine($"{target.Name}: {target.Repo}@{target.Revision} = {result.Commit}: {result.Downloaded.Count} downloaded, " +
                             $"{result.FromCache.Count} already cached and verified{(target.PinnedFiles != null ? " (pinned sha256)" : " (sha256 recorded on first download)")}");
            output.WriteLine($"path: {directory}");
            foreach (var f in files) output.WriteLine($"  {f}");
            return 0;
        }
        catch (HubException e)
        {
            output.WriteLine($"error: {e.Message}");
            return e.BadInput ? 2 : 3;
        }
    }
}
