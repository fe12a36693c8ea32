using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Tests.Tensors;

namespace Verification.Tests.Lens;

/// <summary>RunFrom (TransformerLens's start_at_layer) resumes a forward at a block from a cached residual stream.</summary>
public class RunFromTests
{
    private static readonly Tokens Clean = Tokens.FromRows(new[] { new[] { 4095, 464, 3290, 318, 257, 922, 13 }, new[] { 4095, 40, 588, 262, 3797, 286, 13 } });
    private static readonly Tokens Corrupt = Tokens.FromRows(new[] { new[] { 4095, 464, 3290, 318, 257, 1110, 13 }, new[] { 4095, 40, 588, 262, 3797, 1110, 13 } });

    public static TheoryData<string> Models() => new(FixtureModels.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void Resuming_from_a_cached_resid_pre_gives_the_same_logits_bit_for_bit(string model)
    {
        var m = FixtureModels.Raw(model);
        var (logits, cache) = m.RunWithCache(Clean, n => n.EndsWith("hook_resid_pre"));
        for (int l = 0; l < m.Config.NLayers; l++)
            Bitwise.ShouldBeIdentical(m.RunFrom(l, cache.ResidPre(l), new ForwardOptions()).Output.Data, logits.Data, $"{model} resumed at {l}");
    }

    [Fact]
    public void A_patched_head_resumed_at_its_layer_equals_the_patched_full_forward_and_leaves_the_cache_alone()
    {
        var m = FixtureModels.Raw("gpt2-mini");
        var (_, clean) = m.RunWithCache(Clean, n => n.EndsWith("hook_z"));
        var (_, corrupt) = m.RunWithCache(Corrupt, n => n.EndsWith("hook_resid_pre"));
        var residBefore = corrupt.ResidPre(2).Data.ToArray();
        var options = new ForwardOptions { Hooks = new[] { Patch.Head(HookNames.Z(2), 5, clean.Z(2)) }, LastPositionOnly = true };
        var full = m.Run(Corrupt, options).Output;
        var resumed = m.RunFrom(2, corrupt.ResidPre(2), options).Output;
        resumed.Shape.Should().Equal(2, 1, m.Config.DVocab);
        Bitwise.ShouldBeIdentical(resumed.Data, full.Data, "patched L2H5, resumed at layer 2 vs from the tokens");
        full.Data.Should().NotEqual(m.Run(Corrupt, options with { Hooks = null }).Output.Data, "the patch changes the logits");
        Bitwise.ShouldBeIdentical(corrupt.ResidPre(2).Data, residBefore, "the residual handed in is copied, not changed");
    }

    [Fact]
    public void Bad_start_layer_or_residual_shape_is_an_argument_error_naming_it()
    {
        var m = FixtureModels.Raw("attn-only-2l-mini");
        var resid = Verification.Tensors.Tensor.Zeros(1, 4, m.Config.DModel);
        FluentActions.Invoking(() => m.RunFrom(3, resid, new ForwardOptions())).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*start layer 3*");
        FluentActions.Invoking(() => m.RunFrom(0, Verification.Tensors.Tensor.Zeros(1, 4, 7), new ForwardOptions())).Should().Throw<ArgumentException>().WithMessage("*residual*");
        FluentActions.Invoking(() => m.RunFrom(1, resid, new ForwardOptions { StopAtLayer = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*before start layer*");
    }
}
