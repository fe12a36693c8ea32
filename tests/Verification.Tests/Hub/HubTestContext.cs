using System.Diagnostics;
using System.Security.Cryptography;
using Verification.Hub;

namespace Verification.Tests.Hub;

/// <summary>A fake hub on loopback plus an empty HF_HOME, both removed after the test.</summary>
public abstract class HubTestContext : IAsyncLifetime
{
    protected const string Repo = "test-org/tiny-model";
    protected const string Commit = "0123456789abcdef0123456789abcdef01234567";

    protected FakeHubServer Server { get; } = new();
    protected string Home { get; } = Path.Combine(Path.GetTempPath(), "verification-hub-tests", Guid.NewGuid().ToString("N"));

    protected static readonly byte[] Config = "{\"n_layers\": 2}"u8.ToArray();
    protected static readonly byte[] Small = Bytes(4096, seed: 1);
    protected static readonly byte[] Big = Bytes(3 * 1024 * 1024 + 123, seed: 2);

    protected HubSettings Settings => new()
    {
        Endpoint = Server.Endpoint,
        HomeDirectory = Home,
        MaxRetries = 3,
        RetryDelay = TimeSpan.Zero,
        StallTimeout = TimeSpan.FromSeconds(5),
        LockTimeout = TimeSpan.FromSeconds(20),
    };

    protected HubCache Cache => new(Settings.CacheDirectory);

    protected void AddTinyRepo() => Server.AddRepo(Repo, Commit, new()
    {
        ["config.json"] = Config,
        ["weights.bin"] = Small,
        ["model.safetensors"] = Big,
    });

    protected static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Every file under the repository's cache folder, relative, with forward slashes.</summary>
    protected string[] CachedFiles(string repo) =>
        Directory.Exists(Cache.RepoFolder(repo))
            ? Directory.GetFiles(Cache.RepoFolder(repo), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Cache.RepoFolder(repo), f).Replace('\\', '/')).OrderBy(f => f).ToArray()
            : [];

    /// <summary>The `verification` CLI in its own process, with HF_HOME = this test's home and the given environment.</summary>
    protected async Task<(int Code, string Output)> RunCli(Dictionary<string, string> env, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "verification.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["HF_HOME"] = Home;
        start.Environment.Remove("HF_TOKEN");
        start.Environment.Remove("HF_HUB_OFFLINE");
        foreach (var (k, v) in env) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Directory.Exists(Home)) Directory.Delete(Home, recursive: true);
    }
}
