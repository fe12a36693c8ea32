using System.Net.Http.Headers;
using System.Text.Json;

namespace Verification.Hub;

/// <summary>What the hub says a revision of a repository holds.</summary>
public sealed record RepoRevision(string Repo, string Revision, string Commit, IReadOnlyList<string> Files);

/// <summary>The outcome of a pull: the snapshot directory and which files were fetched or found cached.</summary>
public sealed record PullResult(string Repo, string Commit, string Directory, IReadOnlyList<string> Downloaded, IReadOnlyList<string> FromCache);

/// <summary>
/// Fetches repositories from a Hugging Face hub into the huggingface_hub cache layout. Every file is streamed into
/// <c>.incomplete/</c>, resumed with Range requests after a dropped connection, checked against its pinned size and
/// SHA-256 (or the one recorded in <c>verification.lock.json</c> when it was first downloaded) and only then renamed
/// into <c>snapshots/COMMIT/</c>. A per-file cross-process lock makes concurrent pulls of one file download it once.
/// With <see cref="HubSettings.Offline"/> nothing touches the network: files come from the cache or not at all.
/// </summary>
public sealed class HubClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly FileDownloader _downloader;

    /// <param name="handler">HTTP handler to use (tests, proxies); default: a <see cref="SocketsHttpHandler"/>.</param>
    /// <param name="kind">Whether the repositories this client pulls are models (default) or datasets.</param>
    public HubClient(HubSettings settings, HttpMessageHandler? handler = null, RepoKind kind = RepoKind.Model)
    {
        Settings = settings;
        Kind = kind;
        Cache = new HubCache(settings.CacheDirectory, kind);
        handler ??= new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            // Byte offsets for Range requests must be offsets into the file, never into a compressed stream.
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        // No overall timeout: a large file may take long; stalls are caught per read (HubSettings.StallTimeout).
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("verification/1.0");
        if (settings.Token is { } token) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _downloader = new FileDownloader(_http, settings);
    }

    public HubSettings Settings { get; }

    public RepoKind Kind { get; }

    public HubCache Cache { get; }

    /// <summary>Commit and file list of <paramref name="repo"/> at <paramref name="revision"/>: GET /api/models/REPO/revision/REV (/api/datasets/ for a dataset).</summary>
    public async Task<RepoRevision> GetRevisionAsync(string repo, string revision = "main", CancellationToken ct = default)
    {
        RepoId.RequireRepo(repo);
        RepoId.RequireRevision(revision);
        if (Settings.Offline)
            throw new HubException($"offline (HF_HUB_OFFLINE=1): cannot ask {Settings.Endpoint} about {repo}@{revision}");
        var url = new Uri($"{Settings.Endpoint}/api/{RepoKinds.ApiSegment(Kind)}/{repo}/revision/{Uri.EscapeDataString(revision)}");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await _http.GetAsync(url, ct);
                if (HubErrors.IsTransientStatus(response.StatusCode) && attempt <= Settings.MaxRetries)
                {
                    await PauseAsync(ct);
                    continue;
                }
                if (!response.IsSuccessStatusCode) throw HubErrors.ForStatus(response, Settings, repo, revision, null);
                return ParseRevision(repo, revision, url, await response.Content.ReadAsStringAsync(ct));
            }
            catch (Exception e) when ((e is HttpRequestException or IOException or OperationCanceledException) && !ct.IsCancellationRequested)
            {
                if (attempt > Settings.MaxRetries) throw HubErrors.Unreachable(Settings, $"{repo}@{revision}", attempt, e);
                await PauseAsync(ct);
            }
        }
    }

    /// <summary>
    /// Pulls <paramref name="files"/> (null: the repository's usual model files, see <see cref="DefaultFiles"/>) of
    /// <paramref name="repo"/> at <paramref name="revision"/> (default "main") and points refs/REVISION at the commit.
    /// </summary>
    public async Task<PullResult> PullRepoAsync(string repo, string? revision = null, IReadOnlyList<HubFileSpec>? files = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken ct = default)
    {
        RepoId.RequireRepo(repo);
        revision ??= "main";
        RepoId.RequireRevision(revision);

        string commit;
        IReadOnlyList<HubFileSpec> wanted;
        if (Settings.Offline)
        {
            commit = Cache.ResolveCommit(repo, revision)
                     ?? throw NotCachedOffline(repo, revision, files?.FirstOrDefault()?.Name);
            wanted = files ?? Cache.Integrity(repo).FilesOf(commit).Select(f => new HubFileSpec(f)).ToList();
            if (wanted.Count == 0) throw NotCachedOffline(repo, revision, null);
        }
        else
        {
            var info = await GetRevisionAsync(repo, revision, ct);
            commit = info.Commit;
            if (files is not null)
            {
                var missing = files.Select(f => f.Name).Where(f => !info.Files.Contains(f)).ToList();
                if (missing.Count > 0)
                    throw new HubException($"{repo}@{revision}: file '{missing[0]}' not found in the repository (it has: {Preview(info.Files)})");
            }
            wanted = files ?? (Kind == RepoKind.Dataset ? DefaultDatasetFiles(info.Files) : DefaultFiles(info.Files)).Select(f => new HubFileSpec(f)).ToList();
            if (wanted.Count == 0)
                throw new HubException($"{repo}@{revision}: no {(Kind == RepoKind.Dataset ? "dataset" : "model")} files to pull (it has: {Preview(info.Files)})");
        }

        var downloaded = new List<string>();
        var cached = new List<string>();
        foreach (var file in wanted)
            (await DownloadFileAsync(repo, commit, file, progress, ct) ? downloaded : cached).Add(file.Name);
        // The ref moves only once every file is in place, so a resolve never sees a half-filled snapshot.
        try { Cache.WriteRef(repo, revision, commit); }
        catch (IOException e) { throw new HubException($"cannot write {Cache.RefPath(repo, revision)}: {e.Message}", e); }
        return new PullResult(repo, commit, Cache.SnapshotFolder(repo, commit), downloaded, cached);
    }

    /// <summary>Pulls a registry entry: its files, then its extra repositories' files copied into the model's directory.</summary>
    public async Task<PullResult> PullAsync(ModelEntry entry, string? revision = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken ct = default)
    {
        var main = await PullRepoAsync(entry.Repo, revision, entry.Files, progress, ct);
        var downloaded = main.Downloaded.ToList();
        var cached = main.FromCache.ToList();
        foreach (var extra in entry.ExtraRepos)
        {
            var pulled = await PullRepoAsync(extra.Repo, extra.Revision, extra.Files, progress, ct);
            foreach (var file in extra.Files)
            {
                var relative = $"{extra.TargetFolder}/{file.Name}";
                var source = Cache.FilePath(extra.Repo, pulled.Commit, file.Name);
                (pulled.Downloaded.Contains(file.Name) ? downloaded : cached).Add($"{extra.Repo}/{file.Name}");
                await PlaceAsync(entry.Repo, main.Commit, relative, source, ct);
            }
        }
        return main with { Downloaded = downloaded, FromCache = cached };
    }

    /// <summary>
    /// Makes snapshots/COMMIT/FILE of <paramref name="repo"/> present and verified; true when it had to be downloaded,
    /// false when the cached copy checked out. A cached copy that fails its checksum is downloaded again (online).
    /// </summary>
    public async Task<bool> DownloadFileAsync(string repo, string commit, HubFileSpec file,
        IProgress<DownloadProgress>? progress = null, CancellationToken ct = default)
    {
        RepoId.RequireRepo(repo);
        RepoId.RequireSafeRelativePath(repo, file.Name);
        if (!RepoId.IsCommit(commit)) throw new HubException($"{repo}: '{commit}' is not a commit hash");
        try
        {
            return await FetchAsync(repo, commit, file, progress, ct);
        }
        catch (IOException e)
        {
            throw HubErrors.IsDiskFull(e)
                ? HubErrors.DiskFull($"{repo}/{file.Name}", Settings.CacheDirectory, e)
                : new HubException($"cannot use the cache {Settings.CacheDirectory} for {repo}/{file.Name}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new HubException($"permission denied in the cache {Settings.CacheDirectory} ({e.Message}); set HF_HOME to a writable folder", e);
        }
    }

    private async Task<bool> FetchAsync(string repo, string commit, HubFileSpec file, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var finalPath = Cache.FilePath(repo, commit, file.Name);
        using var fileLock = await CrossProcessFileLock.AcquireAsync(
            Cache.LockPath(repo, commit, file.Name), Settings.LockTimeout, $"{repo}/{file.Name}", ct);

        var integrity = Cache.Integrity(repo);
        var recorded = integrity.Lookup(commit, file.Name);
        var expectedSize = file.Size ?? recorded?.Size;
        var expectedSha = file.Sha256 ?? recorded?.Sha256;

        if (File.Exists(finalPath))
        {
            var digest = FileDigest.Compute(finalPath, ct);
            var problem = FileDigest.Mismatch(expectedSize, expectedSha, digest);
            if (problem is null)
            {
                // A file placed by another tool (e.g. huggingface_hub) is adopted: from now on it must stay as it is.
                if (expectedSha is null) await integrity.RecordAsync(commit, file.Name, digest, Settings.LockTimeout, ct);
                progress?.Report(new DownloadProgress(repo, file.Name, digest.Size, digest.Size, FromCache: true));
                return false;
            }
            if (Settings.Offline)
                throw new HubException($"{finalPath}: cached file is corrupted or modified ({problem}) and HF_HUB_OFFLINE=1 forbids downloading it again");
            File.Delete(finalPath);
        }
        if (Settings.Offline) throw NotCachedOffline(repo, commit, file.Name);

        var temp = Cache.IncompletePath(repo, commit, file.Name);
        var url = new Uri($"{Settings.Endpoint}/{RepoKinds.ResolvePrefix(Kind)}{repo}/resolve/{commit}/{RepoId.UrlPath(file.Name)}");
        // Bytes left by an interrupted earlier run are kept only when a known checksum will vouch for them;
        // if the result fails that checksum, the leftover may have been the bad part: one fresh download decides.
        var resumable = expectedSha is not null;
        var leftover = resumable && File.Exists(temp);
        FileDigest got;
        while (true)
        {
            try
            {
                await _downloader.DownloadAsync(url, temp, repo, commit, file.Name, expectedSize, keepExisting: resumable, progress, ct);
            }
            catch (ChecksumMismatchException e)
            {
                File.Delete(temp);
                throw Mismatch(repo, file.Name, commit, e.Message);
            }
            got = FileDigest.Compute(temp, ct);
            var mismatch = FileDigest.Mismatch(expectedSize, expectedSha, got);
            if (mismatch is null) break;
            File.Delete(temp);
            if (!leftover) throw Mismatch(repo, file.Name, commit, mismatch);
            leftover = false;
        }
        if (expectedSha is null) await integrity.RecordAsync(commit, file.Name, got, Settings.LockTimeout, ct);
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        File.Move(temp, finalPath, overwrite: true);
        return true;
    }

    /// <summary>
    /// The files pulled when a repository is named directly (not a registry entry): top-level .json, .txt, .model,
    /// .safetensors, .pth, .pt and .bin files; when .safetensors weights exist, .bin/.pth/.pt duplicates are skipped.
    /// </summary>
    public static IReadOnlyList<string> DefaultFiles(IReadOnlyList<string> repoFiles)
    {
        string[] config = [".json", ".txt", ".model"];
        string[] pickled = [".bin", ".pth", ".pt"];
        var topLevel = repoFiles.Where(f => !f.Contains('/')).ToList();
        var hasSafetensors = topLevel.Any(f => f.EndsWith(".safetensors", StringComparison.Ordinal));
        return topLevel.Where(f =>
                config.Any(e => f.EndsWith(e, StringComparison.Ordinal))
                || f.EndsWith(".safetensors", StringComparison.Ordinal)
                || (!hasSafetensors && pickled.Any(e => f.EndsWith(e, StringComparison.Ordinal))))
            .ToList();
    }

    /// <summary>
    /// The files pulled when a dataset repository is named directly: its Parquet files (at any depth: the hub keeps them
    /// under data/) and its top-level .json files (dataset_infos.json).
    /// </summary>
    public static IReadOnlyList<string> DefaultDatasetFiles(IReadOnlyList<string> repoFiles) =>
        repoFiles.Where(f => f.EndsWith(".parquet", StringComparison.Ordinal) || (!f.Contains('/') && f.EndsWith(".json", StringComparison.Ordinal))).ToList();

    public void Dispose() => _http.Dispose();

    // Copies a file of another repository into this snapshot, recording its digest so a resolve can check it.
    private async Task PlaceAsync(string repo, string commit, string relative, string source, CancellationToken ct)
    {
        var destination = Cache.FilePath(repo, commit, relative);
        using var fileLock = await CrossProcessFileLock.AcquireAsync(
            Cache.LockPath(repo, commit, relative), Settings.LockTimeout, $"{repo}/{relative}", ct);
        var digest = FileDigest.Compute(source, ct);
        if (!(File.Exists(destination) && FileDigest.Mismatch(digest.Size, digest.Sha256, FileDigest.Compute(destination, ct)) is null))
        {
            if (Settings.Offline) throw NotCachedOffline(repo, commit, relative);
            try { AtomicFile.Copy(source, destination); }
            catch (IOException e) when (HubErrors.IsDiskFull(e)) { throw HubErrors.DiskFull(relative, Settings.CacheDirectory, e); }
            catch (IOException e) { throw new HubException($"cannot copy {source} to {destination}: {e.Message}", e); }
        }
        var integrity = Cache.Integrity(repo);
        if (integrity.Lookup(commit, relative) != digest)
            await integrity.RecordAsync(commit, relative, digest, Settings.LockTimeout, ct);
    }

    private static RepoRevision ParseRevision(string repo, string revision, Uri url, string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var sha = root.TryGetProperty("sha", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
            if (!RepoId.IsCommit(sha))
                throw new HubException($"{url}: answer has no valid commit hash in 'sha' (got '{sha}')");
            var files = new List<string>();
            if (root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array)
                foreach (var sibling in siblings.EnumerateArray())
                    if (sibling.ValueKind == JsonValueKind.Object && sibling.TryGetProperty("rfilename", out var name)
                        && name.ValueKind == JsonValueKind.String && RepoId.IsSafeRelativePath(name.GetString()!))
                        files.Add(name.GetString()!);
            return new RepoRevision(repo, revision, sha, files);
        }
        catch (JsonException e)
        {
            throw new HubException($"{url}: answer is not the hub's JSON ({e.Message})", e);
        }
    }

    private HubException NotCachedOffline(string repo, string revision, string? file) =>
        new($"offline (HF_HUB_OFFLINE=1) and {(file is null ? repo : $"{repo}/{file}")}@{revision} is not in the cache {Settings.CacheDirectory}; unset HF_HUB_OFFLINE and pull it first");

    private static HubException Mismatch(string repo, string file, string commit, string detail) =>
        new($"checksum mismatch for {repo}/{file} at {commit[..8]}: {detail}; the download was discarded and nothing was cached");

    private static string Preview(IReadOnlyList<string> files) =>
        files.Count == 0 ? "no files" : string.Join(", ", files.Take(12)) + (files.Count > 12 ? $", ... ({files.Count} files)" : "");

    private Task PauseAsync(CancellationToken ct) =>
        Settings.RetryDelay > TimeSpan.Zero ? Task.Delay(Settings.RetryDelay, ct) : Task.CompletedTask;
}
