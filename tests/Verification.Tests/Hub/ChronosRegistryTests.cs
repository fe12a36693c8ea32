using Verification.Hub;

namespace Verification.Tests.Hub;

/// <summary>
/// The Chronos registry entries: every model.safetensors pinned by sha256 (tiny also by size), tiny/mini/small by revision,
/// and `models pull chronos-t5-small` through the loopback hub asks for the pinned revision and refuses bytes that are not
/// the published file (the published bytes cannot be served here).
/// </summary>
public sealed class ChronosRegistryTests : HubTestContext
{
    private const string SmallRevision = "da0eb423156e8761c8540ccdbad501f38bc46142";

    [Fact]
    public void Every_Chronos_size_pins_its_weights()
    {
        foreach (var size in new[] { "tiny", "mini", "small", "base", "large" })
        {
            var entry = ModelRegistry.Get($"chronos-t5-{size}");
            entry.Repo.Should().Be($"amazon/chronos-t5-{size}");
            var weights = entry.Files.Single(f => f.Name == "model.safetensors");
            weights.IsPinned.Should().BeTrue(size);
            weights.Sha256.Should().MatchRegex("^[0-9a-f]{64}$");
            entry.Files.Select(f => f.Name).Should().Contain("config.json");
        }
        ModelRegistry.Get("chronos-t5-tiny").Files.Single(f => f.Name == "model.safetensors").Size.Should().Be(33_588_440);
        ModelRegistry.Get("chronos-t5-small").Revision.Should().Be(SmallRevision);
        ModelRegistry.Get("chronos-t5-base").Revision.Should().Be("main");
        ModelResolver.Parse("chronos-t5-small").Revision.Should().Be(SmallRevision, "a registry name means its pinned revision");
        ModelResolver.Parse("chronos-t5-small@main").Revision.Should().Be("main", "NAME@REV asks for another");
        ModelResolver.Parse("amazon/chronos-t5-small").Revision.Should().Be(SmallRevision);
    }

    [Fact]
    public async Task Pull_asks_for_the_pinned_revision_and_refuses_weights_that_are_not_the_published_file()
    {
        Server.AddRepo("amazon/chronos-t5-small", SmallRevision, new()
        {
            ["config.json"] = File.ReadAllBytes(RepoPaths.Fixture("ground-truth", "chronos-t5-circuits", "config.json")),
            ["model.safetensors"] = Big,
        });
        var output = new StringWriter();

        var code = await HubCommands.Pull("chronos-t5-small", null, output, null, Settings, CancellationToken.None);

        code.Should().Be(3, output.ToString());
        output.ToString().Should().Contain("model.safetensors").And.Contain("9c8b6fde5300f72b01c173153bf9288fa0a200614275bf0585071ad71a6a3d43");
        Server.Requests.Should().Contain(r => r.Path.Contains($"/api/models/amazon/chronos-t5-small/revision/{SmallRevision}"));
        Server.Requests.Should().NotContain(r => r.Path.Contains("/revision/main"));
        File.Exists(Cache.FilePath("amazon/chronos-t5-small", SmallRevision, "model.safetensors")).Should().BeFalse("refused bytes are never kept");
        ModelResolver.IsAvailable("chronos-t5-small", Settings).Should().BeFalse();
    }

    [Fact]
    public async Task Pull_of_tiny_refuses_a_file_of_another_size_before_downloading_it()
    {
        Server.AddRepo("amazon/chronos-t5-tiny", "129a2d204d6ab4205a0049a160402deefaf161b2", new()
        {
            ["config.json"] = Config,
            ["model.safetensors"] = Big,
        });
        var output = new StringWriter();

        (await HubCommands.Pull("chronos-t5-tiny", null, output, null, Settings, CancellationToken.None)).Should().Be(3);

        output.ToString().Should().Contain("33,588,440");
        Server.CountResolves("model.safetensors").Should().BeLessThanOrEqualTo(1);
    }
}
