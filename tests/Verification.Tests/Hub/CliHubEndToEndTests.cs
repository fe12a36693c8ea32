using System.Diagnostics;

namespace Verification.Tests.Hub;

/// <summary>
/// The user's path end to end, through the real `verification` process and its environment variables:
/// `models pull ORG/REPO` from a hub at HF_ENDPOINT into HF_HOME, then `HF_HUB_OFFLINE=1 inspect --model ORG/REPO`.
/// </summary>
public sealed class CliHubEndToEndTests : HubTestContext
{
    private const string ModelRepo = "test-org/gpt2-mini";

    [Fact]
    public async Task Pulled_repo_is_inspectable_offline_by_its_name()
    {
        var files = new[] { "config.json", "model.safetensors", "vocab.json", "merges.txt" }
            .ToDictionary(f => f, f => File.ReadAllBytes(RepoPaths.Fixture("gpt2-mini", f)));
        Server.AddRepo(ModelRepo, Commit, files);

        var pull = await RunCli(new() { ["HF_ENDPOINT"] = Server.Endpoint }, "models", "pull", ModelRepo);
        pull.Code.Should().Be(0, pull.Output);
        pull.Output.Should().Contain("4 downloaded");

        await Server.DisposeAsync(); // from here on, any network use would fail
        var inspect = await RunCli(new() { ["HF_HUB_OFFLINE"] = "1", ["HF_ENDPOINT"] = "http://127.0.0.1:9" }, "inspect", "--model", ModelRepo);
        inspect.Code.Should().Be(0, inspect.Output);
        inspect.Output.Should().Contain("safetensors").And.Contain(Commit);
    }

    [Fact]
    public async Task Offline_inspect_of_a_repo_never_pulled_is_a_clear_error()
    {
        var inspect = await RunCli(new() { ["HF_HUB_OFFLINE"] = "1" }, "inspect", "--model", "test-org/never-pulled");
        inspect.Code.Should().Be(3, "weights absent from the cache is 'could not run' (exit 3), not bad input: " + inspect.Output);
        inspect.Output.Should().Contain("test-org/never-pulled").And.NotContain("   at ");
    }

    private async Task<(int Code, string Output)> RunCli(Dictionary<string, string> env, params string[] args)
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
}
