namespace Verification.Hub;

/// <summary>What the CLI runs for <c>verification models list</c> and <c>verification models pull NAME</c>.</summary>
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
}
