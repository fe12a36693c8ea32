using Verification.Claims.Framework;
using Verification.Hub;
using Verification.Tests.Claims;

namespace Verification.Tests.Hub;

/// <summary>
/// `datasets pull` against the local fake hub: the same cache (datasets--ORG--NAME), pins, lock-file checksums, offline
/// mode and integrity rules as models; Pile-10k at its pinned commit; and the pulled dataset as the text the published form
/// of G2 reads.
/// </summary>
public sealed class DatasetPullTests : HubTestContext
{
    private const string TinyText = "test-org/tiny-text";
    private static readonly DatasetEntry Pile = DatasetRegistry.Pile10k;

    private void AddTinyText() => Server.AddDataset(TinyText, Commit, new()
    {
        ["data/train-00000-of-00001.parquet"] = PileStandIn.Bytes,
        ["dataset_infos.json"] = "{\"default\": {}}"u8.ToArray(),
        ["README.md"] = "# tiny"u8.ToArray(),
    });

    private async Task<(int Code, string Output)> Pull(string name, HubSettings settings)
    {
        var output = new StringWriter();
        int code = await HubCommands.PullDataset(name, null, output, null, settings, CancellationToken.None);
        return (code, output.ToString());
    }

    [Fact]
    public async Task A_dataset_lands_in_the_datasets_cache_layout_with_recorded_checksums_and_pulls_again_offline()
    {
        AddTinyText();
        var (code, output) = await Pull(TinyText, Settings);
        code.Should().Be(0, output);
        output.Should().Contain("2 downloaded").And.Contain("sha256 recorded on first download");
        var cache = new HubCache(Settings.CacheDirectory, RepoKind.Dataset);
        cache.RepoFolder(TinyText).Should().EndWith("datasets--test-org--tiny-text");
        File.Exists(cache.FilePath(TinyText, Commit, "data/train-00000-of-00001.parquet")).Should().BeTrue();
        File.Exists(cache.FilePath(TinyText, Commit, "README.md")).Should().BeFalse("a dataset repository's default files are its Parquet and top-level JSON");
        File.ReadAllText(Path.Combine(cache.RepoFolder(TinyText), "verification.lock.json")).Should().Contain(Sha(PileStandIn.Bytes));
        Server.Requests.Select(r => r.Path).Should().Contain($"/api/datasets/{TinyText}/revision/main")
            .And.Contain($"/datasets/{TinyText}/resolve/{Commit}/data/train-00000-of-00001.parquet");

        await Server.DisposeAsync(); // from here on, any network use would fail
        var offline = Settings with { Offline = true };
        (code, output) = await Pull(TinyText, offline);
        code.Should().Be(0, output);
        output.Should().Contain("0 downloaded, 2 already cached and verified");
        var (_, files) = DatasetResolver.Resolve(DatasetResolver.Parse(TinyText), offline);
        files.Should().Equal("data/train-00000-of-00001.parquet", "dataset_infos.json");

        File.AppendAllText(cache.FilePath(TinyText, Commit, "data/train-00000-of-00001.parquet"), "x");
        var corrupted = () => DatasetResolver.Resolve(DatasetResolver.Parse(TinyText), offline);
        corrupted.Should().Throw<HubException>().WithMessage("*corrupted or modified*verification datasets pull test-org/tiny-text*");
        (code, output) = await Pull(TinyText, offline);
        code.Should().Be(3);
        output.Should().Contain("HF_HUB_OFFLINE=1 forbids downloading it again");
    }

    [Fact]
    public async Task Offline_pull_of_a_dataset_never_pulled_says_so()
    {
        var (code, output) = await Pull("pile-10k", Settings with { Offline = true });
        code.Should().Be(3, output);
        output.Should().Contain("offline").And.Contain("NeelNanda/pile-10k");
        Server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Pile_10k_is_pulled_at_its_pinned_commit_and_other_bytes_are_refused()
    {
        Server.AddDataset(Pile.Repo, Pile.Revision, new() { [Pile.Files[0].Name] = PileStandIn.Bytes });
        var (code, output) = await Pull("NeelNanda/pile-10k", Settings);
        code.Should().Be(3, output);
        output.Should().Contain("checksum mismatch").And.Contain("33,262,901");
        Server.Requests.Select(r => r.Path).Should().Contain($"/api/datasets/{Pile.Repo}/revision/{Pile.Revision}");
        var cache = new HubCache(Settings.CacheDirectory, RepoKind.Dataset);
        File.Exists(cache.FilePath(Pile.Repo, Pile.Revision, Pile.Files[0].Name)).Should().BeFalse("nothing unverified is cached");
    }

    [Fact]
    public async Task A_pulled_pile_10k_is_the_text_of_G2_as_gpt2_small_online_and_offline_and_refused_when_modified()
    {
        // The real pull, resolve and integrity code, with Pile-10k's entry re-pinned to the stand-in's bytes.
        Server.AddDataset(Pile.Repo, Pile.Revision, new() { [Pile.Files[0].Name] = PileStandIn.Bytes });
        using (var client = new HubClient(Settings, kind: RepoKind.Dataset))
            await client.PullRepoAsync(Pile.Repo, Pile.Revision, PileStandIn.Entry.Files);
        await Server.DisposeAsync();

        var source = new RepinnedCache(Settings with { Offline = true });
        var outcome = Gpt2GroundTruthTests.Run("G2", Gpt2GroundTruth.Model, Gpt2GroundTruth.Form.AsGpt2Small, source);
        outcome.Verdict.Should().Be(Verdict.Holds, outcome.Reason);
        outcome.Protocol.Should().Contain($"{Pile.Repo}@{Pile.Revision[..8]}");

        var cache = new HubCache(Settings.CacheDirectory, RepoKind.Dataset);
        File.AppendAllText(cache.FilePath(Pile.Repo, Pile.Revision, Pile.Files[0].Name), "x");
        outcome = Gpt2GroundTruthTests.Run("G3", Gpt2GroundTruth.Model, Gpt2GroundTruth.Form.AsGpt2Small, source);
        outcome.Verdict.Should().Be(Verdict.NotRun);
        outcome.Reason.Should().Contain("dataset absent").And.Contain("corrupted or modified");
    }

    [Fact]
    public async Task Cli_pulls_a_dataset_then_lists_and_pulls_it_again_offline()
    {
        AddTinyText();
        var pull = await RunCli(new() { ["HF_ENDPOINT"] = Server.Endpoint }, "datasets", "pull", TinyText);
        pull.Code.Should().Be(0, pull.Output);
        pull.Output.Should().Contain("2 downloaded").And.Contain("data/train-00000-of-00001.parquet");

        await Server.DisposeAsync();
        var offline = new Dictionary<string, string> { ["HF_HUB_OFFLINE"] = "1", ["HF_ENDPOINT"] = "http://127.0.0.1:9" };
        var again = await RunCli(offline, "datasets", "pull", TinyText);
        again.Code.Should().Be(0, again.Output);
        again.Output.Should().Contain("already cached and verified");
        var list = await RunCli(offline, "datasets", "list");
        list.Code.Should().Be(0, list.Output);
        list.Output.Should().Contain("pile-10k  NeelNanda/pile-10k  273ffb1b  absent");
        var unknown = await RunCli(offline, "datasets", "pull", "not-a-dataset");
        unknown.Code.Should().Be(2, "an unknown name is bad input: " + unknown.Output);
    }

    [Fact]
    public async Task Cli_run_as_gpt2_small_without_pile_10k_reports_G2_and_G3_not_run_with_the_pull_command()
    {
        var outDir = Path.Combine(Home, "out");
        var run = await RunCli(new() { ["HF_HUB_OFFLINE"] = "1" }, "run", "--model", RepoPaths.Fixture(Gpt2GroundTruth.Model), "--as", "gpt2-small",
            "--claim", "G2", "G3", "--golden", Path.Combine(Home, "golden"), "--out", outDir);
        run.Code.Should().Be(0, run.Output);
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        report.Should().Contain("not run: dataset absent").And.Contain("verification datasets pull NeelNanda/pile-10k");
    }

    /// <summary>The hub cache, with Pile-10k's pins replaced by the stand-in's (what a pull of the real file would have verified).</summary>
    private sealed class RepinnedCache(HubSettings settings) : IDatasetSource
    {
        public DatasetDocuments? Open(DatasetEntry dataset, out string absent) => new HubCacheDatasets(settings).Open(PileStandIn.Entry, out absent);
    }
}
