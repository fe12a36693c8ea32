using Verification.Claims.Framework;
using Verification.Torch;

namespace Verification.Specs;

/// <summary>The claims run on the engine VERIFICATION_BACKEND names (CI runs them on managed, then on torch).</summary>
public class EngineSpec
{
    [Fact]
    public void Fixture_models_run_on_the_engine_the_environment_names()
    {
        var expected = EngineChoice.FromEnvironment().Backend;
        var fixture = SpecSession.Targets.First(t => t.Kind == TargetKind.Fixture && t.Available);
        fixture.Model.EngineName.Should().Be(expected);
    }
}
