using Verification.Hub;

namespace Verification.Tests.Hub;

public sealed class ModelResolverTests : HubTestContext
{
    private const string ModelCommit = "1111111111111111111111111111111111111111";
    private const string TokenizerCommit = "2222222222222222222222222222222222222222";
    private static readonly byte[] Weights = Bytes(8192, seed: 3);
    private static readonly byte[] Tokenizer = "{\"model\": {\"type\": \"BPE\"}}"u8.ToArray();

    // The registry's attn-only-2l entry, served with small stand-in files.
    private void AddAttnOnly()
    {
        Server.AddRepo("NeelNanda/Attn_Only_2L512W_C4_Code", ModelCommit, new()
        {
            ["config.json"] = Config,
            ["model_final.pth"] = Weights,
            ["README.md"] = "readme"u8.ToArray(),
        });
        Server.AddRepo("NeelNanda/gpt-neox-tokenizer-digits", TokenizerCommit, new() { ["tokenizer.json"] = Tokenizer });
    }

    [Fact]
    public async Task Pull_then_resolve_gives_the_snapshot_directory_with_the_tokenizer_inside()
    {
        AddAttnOnly();
        var output = new StringWriter();

        var code = await HubCommands.Pull("attn-only-2l", null, output, null, Settings, CancellationToken.None);

        code.Should().Be(0, output.ToString());
        output.ToString().Should().Contain(ModelCommit).And.Contain("3 downloaded");
        var dir = ModelResolver.Resolve("attn-only-2l", Settings);
        dir.Should().Be(Cache.SnapshotFolder("NeelNanda/Attn_Only_2L512W_C4_Code", ModelCommit));
        File.ReadAllBytes(Path.Combine(dir, "model_final.pth")).Should().Equal(Weights);
        File.ReadAllBytes(Path.Combine(dir, "tokenizer", "tokenizer.json")).Should().Equal(Tokenizer);
        File.Exists(Path.Combine(dir, "README.md")).Should().BeFalse();
        ModelResolver.IsAvailable("attn-only-2l", Settings).Should().BeTrue();
        ModelResolver.Resolve("NeelNanda/Attn_Only_2L512W_C4_Code", Settings).Should().Be(dir);

        var list = new StringWriter();
        HubCommands.List(list, Settings);
        list.ToString().Split('\n').Should().Contain(l => l.StartsWith("attn-only-2l ") && l.Contains("cached") && l.Contains(dir))
            .And.Contain(l => l.StartsWith("gpt2-small ") && l.Contains("absent"));
    }

    [Fact]
    public async Task Second_pull_downloads_nothing_and_offline_pull_works_from_the_cache()
    {
        AddAttnOnly();
        await HubCommands.Pull("attn-only-2l", null, TextWriter.Null, null, Settings, CancellationToken.None);
        var requests = Server.Requests.Count(r => r.Path.Contains("/resolve/"));

        var online = new StringWriter();
        (await HubCommands.Pull("attn-only-2l", null, online, null, Settings, CancellationToken.None)).Should().Be(0);
        var offline = new StringWriter();
        (await HubCommands.Pull("attn-only-2l", null, offline, null, Settings with { Offline = true }, CancellationToken.None)).Should().Be(0, offline.ToString());

        Server.Requests.Count(r => r.Path.Contains("/resolve/")).Should().Be(requests);
        online.ToString().Should().Contain("0 downloaded, 3 already cached");
        offline.ToString().Should().Contain("0 downloaded, 3 already cached");
    }

    [Fact]
    public async Task Resolve_refuses_a_modified_cached_file()
    {
        AddAttnOnly();
        await HubCommands.Pull("attn-only-2l", null, TextWriter.Null, null, Settings, CancellationToken.None);
        var dir = ModelResolver.Resolve("attn-only-2l", Settings);
        var tokenizer = Path.Combine(dir, "tokenizer", "tokenizer.json");
        File.WriteAllText(tokenizer, "{\"model\": {\"type\": \"WordPiece\"}}");

        var act = () => ModelResolver.Resolve("attn-only-2l", Settings);

        act.Should().Throw<HubException>().Which.Message.Should().Contain("tokenizer.json").And.Contain("modified")
            .And.Contain("run: verification models pull attn-only-2l");

        // A pull repairs it.
        (await HubCommands.Pull("attn-only-2l", null, TextWriter.Null, null, Settings, CancellationToken.None)).Should().Be(0);
        File.ReadAllBytes(tokenizer).Should().Equal(Tokenizer);
        ModelResolver.Resolve("attn-only-2l", Settings).Should().Be(dir);
    }

    [Fact]
    public void Resolve_of_a_model_not_pulled_says_how_to_pull_it()
    {
        var act = () => ModelResolver.Resolve("gpt2-small", Settings);

        act.Should().Throw<HubException>().Which.Message.Should().Contain("run: verification models pull gpt2-small");
        ModelResolver.IsAvailable("gpt2-small", Settings).Should().BeFalse();
        ModelResolver.IsAvailable("chronos-t5-tiny", Settings).Should().BeFalse();
    }

    [Fact]
    public void Resolve_returns_an_existing_directory_as_is_and_rejects_unknown_names()
    {
        var fixture = RepoPaths.Fixture("gpt2-mini");
        ModelResolver.Resolve(fixture, Settings).Should().Be(Path.GetFullPath(fixture));
        ModelResolver.IsAvailable(fixture, Settings).Should().BeTrue();

        var act = () => ModelResolver.Resolve("gpt3-huge", Settings);
        act.Should().Throw<HubException>().Which.Message.Should().Contain("gpt3-huge").And.Contain("gpt2-small");
        ModelResolver.IsAvailable("gpt3-huge", Settings).Should().BeFalse();
    }

    [Fact]
    public async Task Bare_repository_resolves_to_the_files_its_pull_recorded()
    {
        AddTinyRepo();
        var output = new StringWriter();
        (await HubCommands.Pull(Repo, null, output, null, Settings, CancellationToken.None)).Should().Be(0, output.ToString());

        var dir = ModelResolver.Resolve(Repo, Settings);

        dir.Should().Be(Cache.SnapshotFolder(Repo, Commit));
        ModelResolver.Resolve($"{Repo}@{Commit}", Settings).Should().Be(dir);
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), Bytes(Big.Length, seed: 7));
        var act = () => ModelResolver.Resolve(Repo, Settings);
        act.Should().Throw<HubException>().Which.Message.Should().Contain("model.safetensors").And.Contain(Sha(Big));
    }

    [Fact]
    public async Task Pull_failure_is_one_error_line_exit_3_when_unreachable_and_2_for_an_unknown_name()
    {
        var output = new StringWriter();

        var code = await HubCommands.Pull("chronos-t5-tiny", null, output, null, Settings, CancellationToken.None);

        code.Should().Be(3);
        output.ToString().TrimEnd().Should().StartWith("error: ").And.Contain("amazon/chronos-t5-tiny").And.NotContain("\n");
        (await HubCommands.Pull("no-such-model", null, output, null, Settings, CancellationToken.None)).Should().Be(2);
    }
}
