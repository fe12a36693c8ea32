using System.Text.Json;
using Verification.Experiments;
using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Loading.Safetensors;
using Verification.Tensors;
using Verification.Tests.Lens;

namespace Verification.Tests.Torch;

/// <summary>Hooks, patches, RunFrom, stop_at_layer and the head statistics give the same results on both engines.</summary>
public class TorchHookTests
{
    private static readonly Tokens Clean = Tokens.FromRows(new[] { new[] { 4095, 464, 3290, 318, 257, 922, 13 }, new[] { 4095, 40, 588, 262, 3797, 286, 13 } });
    private static readonly Tokens Corrupt = Tokens.FromRows(new[] { new[] { 4095, 464, 3290, 318, 257, 1110, 13 }, new[] { 4095, 40, 588, 262, 3797, 1110, 13 } });

    public static TheoryData<string> Models() => new(FixtureModels.Names);

    private static void Same(HookedTransformer torchModel, HookedTransformer managed, Func<HookedTransformer, Tensor> run, string what) =>
        ParityTests.AssertClose(run(torchModel), run(managed), 1e-4, what);

    [Theory]
    [MemberData(nameof(Models))]
    public void Patches_and_ablations_match_managed(string model)
    {
        var t = TorchFixtureModels.Processed(model);
        var m = FixtureModels.Processed(model);
        var (_, clean) = m.RunWithCache(Clean);
        var z0 = HookNames.Z(0);
        var pattern1 = HookNames.Pattern(1);
        var resid1 = HookNames.ResidPre(1);
        Same(t, m, x => x.RunWithHooks(Corrupt, Patch.Head(z0, 1, clean[z0])), "head patch of hook_z");
        Same(t, m, x => x.RunWithHooks(Corrupt, Patch.ZeroHead(z0, 0)), "zero ablation of a head");
        Same(t, m, x => x.RunWithHooks(Corrupt, Patch.Position(resid1, 5, clean[resid1])), "position patch of resid_pre");
        Same(t, m, x => x.RunWithHooks(Corrupt, Patch.Replace(pattern1, clean[pattern1])), "pattern replacement");
        Same(t, m, x => x.RunWithHooks(Corrupt, Patch.Head(HookNames.Result(0), 2, clean[HookNames.Result(0)])), "hook_result head patch");
        // A free-form hook that edits in place (halves the scores): takes the copy path on torch.
        Same(t, m, x => x.RunWithHooks(Corrupt, new Hook(HookNames.AttnScores(0), (a, _) => { for (int i = 0; i < a.Length; i++) a.Data[i] *= 0.5f; return a; })),
            "in-place free-form hook on scores");
        var patched = t.RunWithHooks(Corrupt, Patch.Replace(pattern1, clean[pattern1]));
        var unpatched = t.Forward(Corrupt);
        patched.Data.Zip(unpatched.Data, (a, b) => Math.Abs(a - b)).Max().Should().BeGreaterThan(1e-4f, "the patch changes the torch logits");
    }

    [Fact]
    public void Frozen_layer_norm_scale_matches_managed()
    {
        var t = TorchFixtureModels.Raw("gpt2-mini");
        var m = FixtureModels.Raw("gpt2-mini");
        var (_, clean) = m.RunWithCache(Clean, n => n.EndsWith("hook_scale"));
        var name = HookNames.Ln2Scale(1);
        Same(t, m, x => x.RunWithHooks(Corrupt, Patch.Replace(name, clean[name])), "frozen ln2 scale");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void RunFrom_stop_at_layer_and_last_position_match_managed(string model)
    {
        var t = TorchFixtureModels.Processed(model);
        var m = FixtureModels.Processed(model);
        var (_, clean) = m.RunWithCache(Clean, n => n == HookNames.ResidPre(1));
        var resid = clean[HookNames.ResidPre(1)];
        Same(t, m, x => x.RunFrom(1, resid, new ForwardOptions()).Output, "RunFrom(1)");
        Same(t, m, x => x.Forward(Clean, new ForwardOptions { StopAtLayer = 1 }), "stop_at_layer 1");
        Same(t, m, x => x.Forward(Clean, new ForwardOptions { LastPositionOnly = true }), "last position only");
        t.Forward(Clean, new ForwardOptions { LastPositionOnly = true }).Shape.Should().Equal(2, 1, t.Config.DVocab);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Head_statistics_equal_managed_within_1e_5(string model)
    {
        var path = RepoPaths.Fixture(model, "reference", "rrt-tokens.safetensors");
        var (ids, shape) = SafetensorsReader.ReadInt64(path, "tokens");
        var tokens = new Tokens(ids.Select(i => (int)i).ToArray(), shape[0], shape[1]);
        int n = (shape[1] - 1) / 2;
        var onTorch = HeadScores.Compute(TorchFixtureModels.Processed(model), tokens, n);
        var onManaged = HeadScores.Compute(FixtureModels.Processed(model), tokens, n);
        onTorch.Should().HaveCount(onManaged.Count);
        foreach (var (a, b) in onTorch.Zip(onManaged))
        {
            string head = $"L{b.Layer}H{b.Head}";
            (a.Layer, a.Head).Should().Be((b.Layer, b.Head));
            a.Induction.Should().BeApproximately(b.Induction, 1e-5, head + " induction");
            a.PreviousToken.Should().BeApproximately(b.PreviousToken, 1e-5, head + " previous_token");
            a.DuplicateToken.Should().BeApproximately(b.DuplicateToken, 1e-5, head + " duplicate_token");
            a.Bos.Should().BeApproximately(b.Bos, 1e-5, head + " bos");
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture(model, "reference", "rrt-head-stats.json")));
        foreach (var e in doc.RootElement.GetProperty("heads").EnumerateArray())
        {
            var s = onTorch.Single(x => x.Layer == e.GetProperty("layer").GetInt32() && x.Head == e.GetProperty("head").GetInt32());
            s.Induction.Should().BeApproximately(e.GetProperty("induction").GetDouble(), 1e-4, $"L{s.Layer}H{s.Head} induction vs reference");
        }
    }
}
