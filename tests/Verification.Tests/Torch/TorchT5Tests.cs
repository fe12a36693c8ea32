using System.Collections.Concurrent;
using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Lens.T5;
using Verification.Loading.Safetensors;
using Verification.Tensors;
using Verification.Tests.Lens;
using Verification.Torch.T5;

namespace Verification.Tests.Torch;

/// <summary>
/// T5 on libtorch (<see cref="TorchT5Engine"/>): against the float64 references of tools/fixtures/t5_reference.py
/// (logits 1e-4, patterns 1e-5, residuals and every other activation 1e-4), against the managed engine on every hook
/// point and on a padded batch, and with patches on the device as on the decoder-only engine.
/// </summary>
public class TorchT5Tests
{
    public static TheoryData<string> Models => new() { "t5-tiny-relu", "t5-tiny-gated" };

    private static readonly ConcurrentDictionary<string, Lazy<(HookedEncoderDecoder Torch, HookedEncoderDecoder Managed)>> Loaded = new();

    private static (HookedEncoderDecoder Torch, HookedEncoderDecoder Managed) Pair(string name) =>
        Loaded.GetOrAdd(name, n => new(() =>
        {
            var t = HookedEncoderDecoder.Load(RepoPaths.Fixture(n));
            TorchT5Engine.Attach(t, "cpu");
            return (t, HookedEncoderDecoder.Load(RepoPaths.Fixture(n)));
        })).Value;

    private static Tokens Ids(string path, string name)
    {
        var (data, shape) = SafetensorsReader.ReadInt64(path, name);
        int batch = shape.Length == 2 ? shape[0] : 1;
        return new Tokens(data.Select(i => (int)i).ToArray(), batch, data.Length / batch);
    }

    private static (EncoderDecoderInput Input, Verification.Loading.StateDict Reference) Reference(string name)
    {
        var path = RepoPaths.Fixture(name, "reference.safetensors");
        return (new EncoderDecoderInput(Ids(path, "encoder_tokens"), Ids(path, "decoder_tokens")), SafetensorsReader.Read(path));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Torch_T5_matches_the_float64_reference_on_logits_and_every_activation(string name)
    {
        var (t, _) = Pair(name);
        t.EngineName.Should().Be("torch");
        var (input, reference) = Reference(name);
        var (logits, cache) = t.RunWithCache(input);
        ParityTests.AssertClose(logits, reference["logits"], 1e-4, "torch T5 logits");
        int compared = 0, patterns = 0;
        foreach (var key in reference.Keys.Where(k => (k.StartsWith("encoder", StringComparison.Ordinal) || k.StartsWith("decoder", StringComparison.Ordinal)) && !k.EndsWith("_tokens", StringComparison.Ordinal)))
        {
            bool pattern = key.EndsWith("hook_pattern", StringComparison.Ordinal);
            ParityTests.AssertClose(cache[key], reference[key], pattern ? 1e-5 : 1e-4, $"torch {key}");
            compared++;
            if (pattern) patterns++;
        }
        patterns.Should().Be(t.Config.NumLayers + 2 * t.Config.NumDecoderLayers, "every self- and cross-attention pattern is compared");
        compared.Should().BeGreaterThan(30);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Torch_T5_matches_the_managed_engine_on_every_hook_point(string name)
    {
        var (t, m) = Pair(name);
        var (input, _) = Reference(name);
        var (tl, tc) = t.RunWithCache(input);
        var (ml, mc) = m.RunWithCache(input);
        ParityTests.AssertClose(tl, ml, 1e-4, "logits torch vs managed");
        tc.Keys.Should().BeEquivalentTo(mc.Keys).And.BeEquivalentTo(m.HookPointNames, "both engines cache every hook point");
        foreach (var key in mc.Keys)
            ParityTests.AssertClose(tc[key], mc[key], key.EndsWith("hook_pattern", StringComparison.Ordinal) ? 1e-5 : 1e-4, $"{key} torch vs managed");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_padded_batch_matches_the_reference_and_the_managed_engine(string name)
    {
        var (t, m) = Pair(name);
        var path = RepoPaths.Fixture(name, "reference.safetensors");
        var enc = Ids(path, "padded.encoder_tokens");
        var (mask, _) = SafetensorsReader.ReadInt64(path, "padded.encoder_mask");
        var dec = Ids(path, "decoder_tokens");
        var decMask = Enumerable.Repeat(true, 2 * dec.Length).ToArray();
        decMask[^1] = false; // a padded decoder key too: the last query of row 1 may not see its own position
        var input = new EncoderDecoderInput(enc, new Tokens(dec.Ids.Concat(dec.Ids).ToArray(), 2, dec.Length), mask.Select(x => x != 0).ToArray());
        var logits = t.Forward(input);
        ParityTests.AssertClose(logits, SafetensorsReader.Read(path)["padded.logits"], 1e-4, "padded logits vs reference");
        ParityTests.AssertClose(logits, m.Forward(input), 1e-4, "padded logits vs managed");
        Math.Abs(logits[0, 0, 0] - logits[1, 0, 0]).Should().BeGreaterThan(1e-6f, "the encoder mask matters");
        var withDecMask = input with { DecoderMask = decMask };
        var (tl, tc) = t.RunWithCache(withDecMask, n => n.EndsWith("attn.hook_pattern", StringComparison.Ordinal));
        var (ml, mc) = m.RunWithCache(withDecMask, n => n.EndsWith("attn.hook_pattern", StringComparison.Ordinal));
        ParityTests.AssertClose(tl, ml, 1e-4, "decoder-masked logits vs managed");
        foreach (var key in mc.Keys) ParityTests.AssertClose(tc[key], mc[key], 1e-5, $"decoder-masked {key}");
    }

    [Fact]
    public void Pytorch_model_bin_on_torch_gives_the_reference_logits()
    {
        using var t = HookedEncoderDecoder.Load(RepoPaths.Fixture("t5-tiny-gated-torch"));
        TorchT5Engine.Attach(t, "cpu");
        var (input, reference) = Reference("t5-tiny-gated");
        ParityTests.AssertClose(t.Forward(input), reference["logits"], 1e-4, "t5-tiny-gated-torch logits");
    }

    [Fact]
    public void Patches_on_T5_run_on_the_device_and_match_managed()
    {
        using var t = HookedEncoderDecoder.Load(RepoPaths.Fixture("t5-tiny-relu"));
        var engine = TorchT5Engine.Attach(t, "cpu");
        var (_, m) = Pair("t5-tiny-relu");
        var (input, _) = Reference("t5-tiny-relu");
        var other = input with { Encoder = new Tokens(input.Encoder.Ids.Select(i => (i * 7 + 3) % m.Config.VocabSize).ToArray(), 1, input.Encoder.Length) };
        var (_, clean) = m.RunWithCache(input);
        string crossZ = "decoder.0.cross_attn.hook_z", encResid = "encoder.1.hook_resid_pre", pattern = "decoder.1.attn.hook_pattern";
        Hook[] hooks =
        {
            Patch.Head(crossZ, 1, clean[crossZ]), Patch.Position(encResid, 3, clean[encResid]),
            Patch.MeanHead(pattern, 0, clean[pattern]), Patch.Zero("decoder.1.hook_mlp_out"),
        };
        long in0 = engine.Crossings.In, out0 = engine.Crossings.Out;
        var patched = t.Forward(other, hooks);
        (engine.Crossings.In - in0, engine.Crossings.Out - out0).Should().Be((3L, 0L), "three sources in, nothing out");
        ParityTests.AssertClose(patched, m.Forward(other, hooks), 1e-4, "patched T5 logits vs managed");
        patched.Data.Zip(t.Forward(other).Data, (a, b) => Math.Abs(a - b)).Max().Should().BeGreaterThan(1e-4f, "the patches change the logits");

        var freeForm = new Hook("decoder.0.hook_cross_attn_out", (x, _) => Tensor.Zeros(x.Shape));
        in0 = engine.Crossings.In; out0 = engine.Crossings.Out;
        ParityTests.AssertClose(t.Forward(other, new[] { freeForm }), m.Forward(other, new[] { freeForm }), 1e-4, "free-form hook on T5");
        (engine.Crossings.In - in0, engine.Crossings.Out - out0).Should().Be((1L, 1L));
        Assert.Throws<ArgumentException>(() => t.Forward(other, new[] { new Hook("decoder.0.cross_attn.hook_nothing", (x, _) => null) }));
    }
}
