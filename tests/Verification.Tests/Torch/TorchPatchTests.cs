using Verification.Experiments;
using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Lens.Weights;
using Verification.Tensors;
using Verification.Tests.Lens;
using Verification.Torch;

namespace Verification.Tests.Torch;

/// <summary>
/// Declarative patches and ablations (Patch.Replace/Head/Position/Zero/ZeroHead/MeanHead) run on the libtorch device:
/// only a patch's source crosses in, nothing crosses out unless the cache or a free-form hook asks (counted by
/// <see cref="TorchEngine.Crossings"/>); the patched patterns equal the managed engine's to 1e-5, logits and residuals
/// to 1e-4, and the activation-patching maps agree in logit-difference units.
/// </summary>
public class TorchPatchTests
{
    private static readonly Tokens Clean = Tokens.FromRows(new[] { new[] { 4095, 464, 3290, 318, 257, 922, 13 }, new[] { 4095, 40, 588, 262, 3797, 286, 13 } });
    private static readonly Tokens Corrupt = Tokens.FromRows(new[] { new[] { 4095, 464, 3290, 318, 257, 1110, 13 }, new[] { 4095, 40, 588, 262, 3797, 1110, 13 } });

    public static TheoryData<string> Models() => new(FixtureModels.Names);

    private static bool Observed(string n) => n.EndsWith("hook_pattern") || n.Contains("hook_resid_p");

    // A model of its own, so the crossings counted are this test's only.
    private static (HookedTransformer Model, TorchEngine Engine) OwnTorchModel(string name)
    {
        var m = ModelLoader.Load(RepoPaths.Fixture(name), WeightProcessingOptions.Default);
        return (m, TorchEngine.Attach(m, "cpu"));
    }

    [Fact]
    public void Declarative_patches_copy_in_only_their_source_and_copy_nothing_out()
    {
        var (t, engine) = OwnTorchModel("gpt2-mini");
        using var _ = t;
        var m = FixtureModels.Processed("gpt2-mini");
        var z0 = HookNames.Z(0);
        var (_, clean) = m.RunWithCache(Clean, n => n == z0);
        var source = clean[z0];
        Hook[] four = { Patch.Head(z0, 1, source), Patch.Head(z0, 3, source), Patch.MeanHead(z0, 2, source), Patch.ZeroHead(z0, 0) };

        long in0 = engine.Crossings.In, out0 = engine.Crossings.Out;
        var onDevice = t.RunWithHooks(Corrupt, four);
        (engine.Crossings.In - in0, engine.Crossings.Out - out0).Should().Be((1L, 0L), "four patches sharing one source: it crosses in once, nothing out");
        ParityTests.AssertClose(onDevice, m.RunWithHooks(Corrupt, four), 1e-4, "four patches on the device vs managed");
        onDevice.Data.Zip(t.Forward(Corrupt).Data, (a, b) => Math.Abs(a - b)).Max().Should().BeGreaterThan(1e-3f, "the patches change the logits");

        in0 = engine.Crossings.In; out0 = engine.Crossings.Out;
        t.RunWithHooks(Corrupt, Patch.Zero(HookNames.AttnOut(1)));
        (engine.Crossings.In - in0, engine.Crossings.Out - out0).Should().Be((0L, 0L), "a zero ablation has no source");

        in0 = engine.Crossings.In; out0 = engine.Crossings.Out;
        var freeForm = new Hook(HookNames.AttnScores(0), (a, _) => { for (int i = 0; i < a.Length; i++) a.Data[i] *= 0.5f; return a; });
        t.RunWithHooks(Corrupt, freeForm);
        (engine.Crossings.In - in0, engine.Crossings.Out - out0).Should().Be((1L, 1L), "a free-form hook works on a copy: one out, its result back in");

        in0 = engine.Crossings.In; out0 = engine.Crossings.Out;
        var (_, cache) = t.RunWithCache(Corrupt, n => n == z0 || n == HookNames.Pattern(1), new[] { Patch.Head(z0, 1, source) });
        (engine.Crossings.In - in0, engine.Crossings.Out - out0).Should().Be((1L, 2L), "the cache copies out only what it holds");
        cache.Z(0).Data.Should().Equal(Slice(source, z0, 1, cache.Z(0)), "the cache holds the patched hook_z");
    }

    // The patched activation: corrupted z except head `head`, which is the source's.
    private static float[] Slice(Tensor source, string name, int head, Tensor patched)
    {
        int heads = patched.Shape[2], inner = patched.Shape[3];
        var expected = (float[])patched.Data.Clone();
        for (int o = 0; o < patched.Length / (heads * inner); o++)
            Array.Copy(source.Data, (o * heads + head) * inner, expected, (o * heads + head) * inner, inner);
        return expected;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_patch_kind_matches_managed_on_logits_patterns_and_residuals(string model)
    {
        var t = TorchFixtureModels.Processed(model);
        var m = FixtureModels.Processed(model);
        var (_, clean) = m.RunWithCache(Clean);
        var unpatched = m.Forward(Corrupt);
        string z1 = HookNames.Z(1), v0 = HookNames.V(0), p0 = HookNames.Pattern(0), r1 = HookNames.ResidPre(1), a0 = HookNames.AttnOut(0);
        var (_, plain) = m.RunWithCache(Corrupt);
        // The layer-1 head whose z the corruption moves most (some hand-set heads barely see the changed token).
        int zHead = Enumerable.Range(0, m.Config.NHeads).MaxBy(h => HeadDifference(clean[z1], plain[z1], h));
        // The layer-0 head with the largest values (hand-set models leave some heads' values zero).
        int vHead = Enumerable.Range(0, m.Config.NHeads).MaxBy(h => HeadDifference(plain[v0], Tensor.Zeros(plain[v0].Shape), h));
        var patches = new (string What, Hook Hook)[]
        {
            ("replace pattern", Patch.Replace(p0, clean[p0])),
            ("replace head of z", Patch.Head(z1, zHead, clean[z1])),
            ("replace head of pattern", Patch.Head(p0, 0, clean[p0])),
            ("replace position of resid_pre", Patch.Position(r1, 5, clean[r1])),
            ("zero attn_out", Patch.Zero(a0)),
            ("zero head of v", Patch.ZeroHead(v0, vHead)),
            ("mean head of z", Patch.MeanHead(z1, zHead, clean[z1])),
            ("mean head of pattern", Patch.MeanHead(HookNames.Pattern(1), zHead, clean[HookNames.Pattern(1)])),
        };
        bool anyLogitChanged = false;
        foreach (var (what, hook) in patches)
        {
            bool Names(string n) => Observed(n) || n == hook.Name;
            var (tl, tc) = t.RunWithCache(Corrupt, Names, new[] { hook });
            var (ml, mc) = m.RunWithCache(Corrupt, Names, new[] { hook });
            ParityTests.AssertClose(tl, ml, 1e-4, $"{what}: logits");
            foreach (var name in mc.Keys)
                ParityTests.AssertClose(Finite(tc[name]), Finite(mc[name]), name.EndsWith("hook_pattern") ? 1e-5 : 1e-4, $"{what}: {name}");
            mc[hook.Name].Data.Zip(plain[hook.Name].Data, (a, b) => Math.Abs(a - b)).Max().Should().BeGreaterThan(1e-6f, $"{what} changes {hook.Name}");
            anyLogitChanged |= ml.Data.Zip(unpatched.Data, (a, b) => Math.Abs(a - b)).Max() > 1e-4f;
        }
        anyLogitChanged.Should().BeTrue("the patches reach the logits");
    }

    private static double HeadDifference(Tensor a, Tensor b, int head)
    {
        int heads = a.Shape[2], inner = a.Shape[3];
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
            if (i / inner % heads == head) worst = Math.Max(worst, Math.Abs(a.Data[i] - b.Data[i]));
        return worst;
    }

    private static Tensor Finite(Tensor t) => new(t.Data.Select(v => float.IsNegativeInfinity(v) ? -1e30f : v).ToArray(), t.Shape);

    [Theory]
    [MemberData(nameof(Models))]
    public void Activation_patching_maps_match_managed_in_logit_difference_units(string model)
    {
        var task = new PatchingTask(Clean, Corrupt, new[] { 922, 286 }, new[] { 1110, 1110 });
        var a = ActivationPatching.Run(TorchFixtureModels.Processed(model), task, heads: true, positions: true);
        var b = ActivationPatching.Run(FixtureModels.Processed(model), task, heads: true, positions: true);
        // In logit-difference units: a normalised map divides by clean − corrupted, which magnifies float32 error where
        // the two runs score nearly alike (gpt2-mini's gap on this task is ~0.04), so compare before dividing; float32
        // error scales with the logit difference compared, hence 1e-5 of its size (at least 1e-5).
        static double Tol(double expected) => 1e-5 * Math.Max(1, Math.Abs(expected));
        a.CleanLogitDiff.Should().BeApproximately(b.CleanLogitDiff, Tol(b.CleanLogitDiff));
        a.CorruptedLogitDiff.Should().BeApproximately(b.CorruptedLogitDiff, Tol(b.CorruptedLogitDiff));
        double gapA = a.CleanLogitDiff - a.CorruptedLogitDiff, gapB = b.CleanLogitDiff - b.CorruptedLogitDiff;
        foreach (var (ma, mb, what) in new[] { (a.Heads, b.Heads, "heads"), (a.Positions!, b.Positions!, "positions") })
            for (int i = 0; i < mb.GetLength(0); i++)
                for (int j = 0; j < mb.GetLength(1); j++)
                {
                    double patchedA = a.CorruptedLogitDiff + ma[i, j] * gapA, patchedB = b.CorruptedLogitDiff + mb[i, j] * gapB;
                    patchedA.Should().BeApproximately(patchedB, Tol(patchedB), $"{what}[{i}, {j}] patched logit difference");
                }
    }

    [Fact]
    public void Mean_ablation_writes_the_batch_mean_of_the_source_on_both_engines()
    {
        var z = HookNames.Z(0);
        foreach (var model in new[] { FixtureModels.Processed("attn-only-2l-mini"), TorchFixtureModels.Processed("attn-only-2l-mini") })
        {
            var (_, clean) = model.RunWithCache(Clean, n => n == z);
            var source = clean[z]; // [2, pos, head, d_head]
            var (_, patched) = model.RunWithCache(Corrupt, n => n == z, new[] { Patch.MeanHead(z, 3, source) });
            int pos = source.Shape[1], dHead = source.Shape[3];
            for (int b = 0; b < 2; b++)
                for (int p = 0; p < pos; p++)
                    for (int e = 0; e < dHead; e++)
                        ((double)patched[z][b, p, 3, e]).Should().BeApproximately((source[0, p, 3, e] + source[1, p, 3, e]) / 2.0, 1e-6, $"{model.EngineName} b{b} p{p} e{e}");
        }
    }

    [Theory]
    [InlineData("head")]
    [InlineData("shape")]
    [InlineData("axis")]
    [InlineData("position")]
    public void A_bad_patch_fails_with_the_same_message_on_both_engines(string what)
    {
        var m = FixtureModels.Processed("attn-only-2l-mini");
        var hook = what switch
        {
            "head" => Patch.ZeroHead(HookNames.Z(0), 99),
            "shape" => Patch.Replace(HookNames.ResidPre(1), Tensor.Zeros(1, 2, 3)),
            "axis" => Patch.ZeroHead(HookNames.ResidPre(0), 0),
            _ => Patch.Position(HookNames.ResidPre(0), 40, Tensor.Zeros(2, Clean.Length, m.Config.DModel)),
        };
        var managed = Record.Exception(() => m.RunWithHooks(Corrupt, hook));
        var onTorch = Record.Exception(() => TorchFixtureModels.Processed("attn-only-2l-mini").RunWithHooks(Corrupt, hook));
        managed.Should().NotBeNull().And.BeAssignableTo<ArgumentException>();
        onTorch.Should().NotBeNull();
        (onTorch!.GetType(), onTorch.Message).Should().Be((managed!.GetType(), managed.Message));
    }

    [Fact]
    public void An_in_place_patch_leaves_an_already_cached_alias_as_the_hook_point_saw_it()
    {
        // resid_post of layer 0 flows on as resid_pre of layer 1: patching the latter in place must not rewrite the former.
        string post0 = HookNames.ResidPost(0), pre1 = HookNames.ResidPre(1);
        foreach (var model in new[] { FixtureModels.Processed("gpt2-mini"), TorchFixtureModels.Processed("gpt2-mini") })
        {
            var (_, clean) = model.RunWithCache(Clean, n => n == pre1);
            var (_, plain) = model.RunWithCache(Corrupt, n => n == post0);
            var (_, patched) = model.RunWithCache(Corrupt, n => n == post0 || n == pre1, new[] { Patch.Position(pre1, 5, clean[pre1]) });
            ParityTests.AssertClose(patched[post0], plain[post0], 0, $"{model.EngineName}: cached resid_post.0");
            patched[pre1][0, 5, 0].Should().Be(clean[pre1][0, 5, 0], $"{model.EngineName}: resid_pre.1 is patched");
            patched[pre1][0, 4, 0].Should().Be(plain[post0][0, 4, 0], $"{model.EngineName}: other positions are the corrupted run's");
        }
    }
}
