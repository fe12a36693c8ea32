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
}
