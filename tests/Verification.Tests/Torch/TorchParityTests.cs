using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Tensors;
using Verification.Tests.Lens;

namespace Verification.Tests.Torch;

/// <summary>
/// The libtorch engine against the float64 references (logits 1e-4, patterns 1e-5, residuals 1e-4) and against the
/// managed engine (same tolerances) on every fixture and input.
/// </summary>
public class TorchParityTests
{
    public static TheoryData<string, string> Inputs() => ParityTests.Inputs();

    private static bool Names(string n) => n.EndsWith("hook_pattern") || n.Contains("hook_resid_p");

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Torch_raw_model_matches_reference(string model, string input)
    {
        var reference = ReferenceActivations.Load(model, input);
        var m = TorchFixtureModels.Raw(model);
        m.EngineName.Should().Be("torch");
        var (logits, cache) = m.RunWithCache(reference.Tokens, Names);

        ParityTests.AssertClose(logits.Reshape(logits.Shape[1], logits.Shape[2]), reference.Logits, 1e-4, "torch logits");
        ParityTests.AssertClose(cache.ResidPre(0).Reshape(reference.ResidPre0.Shape), reference.ResidPre0, 1e-4, "torch resid_pre.0");
        for (int l = 0; l < m.Config.NLayers; l++)
        {
            ParityTests.AssertClose(cache.ResidPost(l).Reshape(reference.ResidPost[l].Shape), reference.ResidPost[l], 1e-4, $"torch resid_post.{l}");
            ParityTests.AssertClose(cache.Pattern(l).Reshape(m.Config.NHeads, reference.Tokens.Length, reference.Tokens.Length),
                LayerSlice(reference.Patterns, l), 1e-5, $"torch patterns layer {l}");
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Torch_processed_model_matches_managed_engine_on_every_hook(string model, string input)
    {
        var reference = ReferenceActivations.Load(model, input);
        var torchModel = TorchFixtureModels.Processed(model);
        var managed = FixtureModels.Processed(model);
        managed.EngineName.Should().Be("managed");
        var (tl, tc) = torchModel.RunWithCache(reference.Tokens);
        var (ml, mc) = managed.RunWithCache(reference.Tokens);

        ParityTests.AssertClose(tl, ml, 1e-4, "logits torch vs managed");
        tc.Keys.Should().BeEquivalentTo(mc.Keys, "both engines cache the same hook points");
        foreach (var name in mc.Keys)
        {
            double tol = name.EndsWith("hook_pattern") ? 1e-5 : 1e-4;
            var a = Finite(tc[name]); var b = Finite(mc[name]);
            ParityTests.AssertClose(a, b, tol, $"{name} torch vs managed");
        }
    }

    // hook_attn_scores holds −∞ at masked keys in both engines: compare those as equal.
    private static Tensor Finite(Tensor t) =>
        new(t.Data.Select(v => float.IsNegativeInfinity(v) ? -1e30f : v).ToArray(), t.Shape);

    private static Tensor LayerSlice(Tensor patterns, int layer)
    {
        int per = patterns.Length / patterns.Shape[0];
        return new Tensor(patterns.Data.AsSpan(layer * per, per).ToArray(), patterns.Shape[1..]);
    }
}
