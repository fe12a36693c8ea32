using Verification.Claims.Framework;
using Verification.Claims.Specs;

namespace Verification.Tests.Claims;

/// <summary>T5 models as claim targets: the T5 fixtures run K1-K3 (and only those); a trained Chronos fixture is picked up when present.</summary>
public sealed class ModelCatalogT5Tests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("verification-catalog-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public void The_T5_fixtures_are_T5_targets_on_which_only_the_Chronos_claims_apply()
    {
        var fixtures = ModelCatalog.Fixtures(RepoPaths.Fixtures);
        foreach (var name in new[] { "t5-tiny-relu", "t5-tiny-gated" })
        {
            var t5 = fixtures.Single(t => t.Name == name);
            t5.Family.Should().Be("t5");
            t5.Available.Should().BeTrue();
            t5.EncoderDecoder.Config.NumHeads.Should().BeGreaterThan(0);
            ClaimCatalog.All.Where(s => s.CannotApplyTo(t5) == null).Select(s => s.Definition.Id).Should().Equal("K1", "K2", "K3");
            FluentActions.Invoking(() => t5.Model).Should().Throw<InvalidOperationException>().WithMessage("*T5 encoder-decoder*");
        }
        fixtures.Single(t => t.Name == "gpt2-mini").Family.Should().Be("gpt2");
        ClaimCatalog.Get("K1").CannotApplyTo(fixtures.Single(t => t.Name == "gpt2-mini")).Should().Be(ChronosSpec.DecoderOnly);
    }

    [Fact]
    public void A_chronos_t5_induction_fixture_is_listed_only_when_the_checkout_has_it()
    {
        ModelCatalog.Fixtures(_tmp).Select(t => t.Name).Should().NotContain("chronos-t5-induction")
            .And.Contain("gpt2-mini", "a core fixture that is missing is listed, as not run");
        var dir = Directory.CreateDirectory(Path.Combine(_tmp, "chronos-t5-induction")).FullName;
        foreach (var f in new[] { "config.json", "pytorch_model.bin" })
            File.Copy(RepoPaths.Fixture("ground-truth", "chronos-t5-circuits", f), Path.Combine(dir, f));
        var picked = ModelCatalog.Fixtures(_tmp).Single(t => t.Name == "chronos-t5-induction");
        picked.Family.Should().Be("t5");
        picked.Available.Should().BeTrue();
    }
}
