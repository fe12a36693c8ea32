using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Verification.Tests.Hub;

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 (free port) serving repositories in the hub's URL layout:
/// <c>GET /api/models/REPO/revision/REV</c> and <c>GET /REPO/resolve/REV/FILE</c> (with Range support); datasets at
/// <c>GET /api/datasets/REPO/revision/REV</c> and <c>GET /datasets/REPO/resolve/REV/FILE</c>.
/// One request per connection (Connection: close). Knobs make it misbehave the way real networks and hubs do.
/// </summary>
public sealed class FakeHubServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly ConcurrentDictionary<Task, bool> _handlers = new();
    private readonly ConcurrentDictionary<string, (string Commit, Dictionary<string, byte[]> Files)> _repos = new();
    private readonly ConcurrentDictionary<string, (string Commit, Dictionary<string, byte[]> Files)> _datasets = new();

    public FakeHubServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>File name -> byte count after which the connection is closed mid-body, once.</summary>
    public ConcurrentDictionary<string, long> DropOnceAfter { get; } = new();
    /// <summary>File name -> bytes served instead of the real content (tampering, corruption).</summary>
    public ConcurrentDictionary<string, byte[]> WrongBytes { get; } = new();
    /// <summary>Request path substring -> (status, X-Error-Code or null) answered instead.</summary>
    public ConcurrentDictionary<string, (int Status, string? ErrorCode)> Fail { get; } = new();
    /// <summary>Answer 200 with the whole file to Range requests, like servers without resume support.</summary>
    public bool IgnoreRange { get; set; }
    /// <summary>When set, every request must carry "Authorization: Bearer TOKEN" or gets 401.</summary>
    public string? RequiredToken { get; set; }
    /// <summary>Pause after each 64 KiB of a body, to make downloads overlap in concurrency tests.</summary>
    public int ChunkDelayMs { get; set; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public sealed record RecordedRequest(string Method, string Path, string? Range, string? Authorization);

    public void AddRepo(string repo, string commit, Dictionary<string, byte[]> files) => _repos[repo] = (commit, files);

    public void AddDataset(string repo, string commit, Dictionary<string, byte[]> files) => _datasets[repo] = (commit, files);

    public int CountResolves(string file) => Requests.Count(r => r.Path.Contains("/resolve/") && r.Path.EndsWith("/" + file));

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            var task = Task.Run(() => HandleAsync(client));
            _handlers[task] = true;
            _ = task.ContinueWith(t => _handlers.TryRemove(t, out _));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream);
            if (head is null) return;
            var lines = head.Split("\r\n");
            var parts = lines[0].Split(' ');
            var headers = lines.Skip(1).Where(l => l.Contains(':'))
                .ToDictionary(l => l[..l.IndexOf(':')].Trim(), l => l[(l.IndexOf(':') + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
            var path = Uri.UnescapeDataString(parts[1]);
            var request = new RecordedRequest(parts[0], path, headers.GetValueOrDefault("Range"), headers.GetValueOrDefault("Authorization"));
            Requests.Enqueue(request);
            await RespondAsync(stream, request);
        }
        catch (IOException) { }
        catch (SocketException) { }
        catch (OperationCanceledException) { }
    }

    private async Task RespondAsync(NetworkStream stream, RecordedRequest request)
    {
        if (RequiredToken is { } token && request.Authorization != $"Bearer {token}")
        {
            await WriteSimpleAsync(stream, 401, "Unauthorized", "GatedRepo", "token required");
            return;
        }
        foreach (var (fragment, (status, code)) in Fail)
            if (request.Path.Contains(fragment))
            {
                await WriteSimpleAsync(stream, status, "Failure", code, $"failure {status}");
                return;
            }

        var dataset = request.Path.StartsWith("/api/datasets/") || request.Path.StartsWith("/datasets/");
        var repos = dataset ? _datasets : _repos;
        var path = request.Path.StartsWith("/datasets/") ? request.Path["/datasets".Length..] : request.Path;
        var apiPrefix = dataset ? "/api/datasets/" : "/api/models/";
        if (path.StartsWith(apiPrefix) && path.IndexOf("/revision/", StringComparison.Ordinal) is var r and > 0)
        {
            var repo = path[apiPrefix.Length..r];
            var rev = path[(r + "/revision/".Length)..];
            if (!repos.TryGetValue(repo, out var entry)) { await WriteSimpleAsync(stream, 404, "Not Found", null, "no such repo"); return; }
            if (rev != "main" && rev != entry.Commit) { await WriteSimpleAsync(stream, 404, "Not Found", "RevisionNotFound", "no such revision"); return; }
            var json = JsonSerializer.Serialize(new
            {
                id = repo,
                sha = entry.Commit,
                siblings = entry.Files.Keys.Select(f => new { rfilename = f }).ToArray(),
            });
            await WriteAsync(stream, 200, "OK", "application/json", null, Encoding.UTF8.GetBytes(json));
            return;
        }

        var resolve = path.IndexOf("/resolve/", StringComparison.Ordinal);
        if (resolve > 0)
        {
            var repo = path[1..resolve];
            var rest = path[(resolve + "/resolve/".Length)..];
            var slash = rest.IndexOf('/');
            var (rev, file) = (rest[..slash], rest[(slash + 1)..]);
            if (!repos.TryGetValue(repo, out var entry) || (rev != "main" && rev != entry.Commit)
                || !entry.Files.TryGetValue(file, out var content))
            {
                await WriteSimpleAsync(stream, 404, "Not Found", "EntryNotFound", "no such file");
                return;
            }
            if (WrongBytes.TryGetValue(file, out var wrong)) content = wrong;
            await ServeFileAsync(stream, request, file, content);
            return;
        }
        await WriteSimpleAsync(stream, 404, "Not Found", null, "unknown path");
    }

    private async Task ServeFileAsync(NetworkStream stream, RecordedRequest request, string file, byte[] content)
    {
        long from = 0;
        if (!IgnoreRange && request.Range is { } range && range.StartsWith("bytes=") && range.EndsWith('-'))
            from = long.Parse(range["bytes=".Length..^1]);
        if (from > content.Length) { await WriteSimpleAsync(stream, 416, "Range Not Satisfiable", null, ""); return; }
        var body = content.AsMemory((int)from);
        var extra = from > 0 ? $"Content-Range: bytes {from}-{content.Length - 1}/{content.Length}\r\n" : "";
        await WriteHeadAsync(stream, from > 0 ? 206 : 200, from > 0 ? "Partial Content" : "OK", "application/octet-stream", null, body.Length, extra);

        long limit = body.Length;
        if (DropOnceAfter.TryRemove(file, out var dropAfter)) limit = Math.Min(limit, dropAfter);
        for (var offset = 0; offset < limit; offset += 65536)
        {
            var n = (int)Math.Min(65536, limit - offset);
            await stream.WriteAsync(body.Slice(offset, n));
            if (ChunkDelayMs > 0) await Task.Delay(ChunkDelayMs);
        }
        await stream.FlushAsync();
        // Returning closes the socket: when limit < length the client sees the connection drop mid-body.
    }

    private static Task WriteSimpleAsync(NetworkStream stream, int status, string reason, string? errorCode, string message) =>
        WriteAsync(stream, status, reason, "text/plain", errorCode, Encoding.UTF8.GetBytes(message));

    private static async Task WriteAsync(NetworkStream stream, int status, string reason, string type, string? errorCode, byte[] body)
    {
        await WriteHeadAsync(stream, status, reason, type, errorCode, body.Length, "");
        await stream.WriteAsync(body);
    }

    private static async Task WriteHeadAsync(NetworkStream stream, int status, string reason, string type, string? errorCode, long length, string extra)
    {
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: {type}\r\nContent-Length: {length}\r\nConnection: close\r\n"
                   + (errorCode is null ? "" : $"X-Error-Code: {errorCode}\r\n") + extra + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[16384];
        var total = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total), timeout.Token);
            if (n == 0) return null;
            total += n;
            var text = Encoding.ASCII.GetString(buffer, 0, total);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0) return text[..end];
        }
        return null;
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return; // tests stop the server early to prove offline use
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_handlers.Keys.ToArray()).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        _stop.Dispose();
    }
}
