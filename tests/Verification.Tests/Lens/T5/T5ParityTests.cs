using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Lens.T5;
using Verification.Loading.Safetensors;
using Verification.Tensors;

namespace Verification.Tests.Lens.T5;

/// <summary>
/// HookedEncoderDecoder against the independent float64 PyTorch T5 of tools/fixtures/t5_reference.py, on two random
/// models (ReLU/tied with tied copies stored, gated-gelu/untied; num_decoder_layers != num_layers; d_kv·heads != d_model)
/// with an encoder input longer than relative_attention_max_distance, and on the trained Chronos-style
/// chronos-t5-induction (references from tools/fixtures/chronos_induction_reference.py, on a K1 input):
/// logits 1e-4, patterns 1e-5, residuals 1e-4, every other cached activation 1e-4.
/// </summary>
public class T5ParityTests
{
    public static TheoryData<string> Models => new() { "t5-tiny-relu", "t5-tiny-gated", "chronos-t5-induction" };
    public static TheoryData<string> RandomModels => new() { "t5-tiny-relu", "t5-tiny-gated" };

    internal static (HookedEncoderDecoder Model, Verification.Loading.StateDict Ref, string RefPath) Load(string name)
    {
        var model = HookedEncoderDecoder.Load(RepoPaths.Fixture(name));
        var path = RepoPaths.Fixture(name, "reference.safetensors");
        return (model, SafetensorsReader.Read(path), path);
    }

    internal static Tokens Ids(string path, string name)
    {
        var (data, shape) = SafetensorsReader.ReadInt64(path, name);
        int batch = shape.Length == 2 ? shape[0] : 1;
        return new Tokens(data.Select(i => (int)i).ToArray(), batch, data.Length / batch);
    }

    internal static double MaxDiff(Tensor a, Tensor b)
    {
        Assert.Equal(b.Shape, a.Shape);
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a.Data[i] - b.Data[i]));
        return m;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Logits_patterns_residuals_and_every_activation_match_the_float64_reference(string name)
    {
        var (model, reference, path) = Load(name);
        var input = new EncoderDecoderInput(Ids(path, "encoder_tokens"), Ids(path, "decoder_tokens"));
        var (logits, cache) = model.RunWithCache(input);

        var expected = reference["logits"];
        Assert.True(MaxDiff(logits, expected) < 1e-4, $"logits differ by {MaxDiff(logits, expected)}");
        int compared = 0, patterns = 0;
        foreach (var key in reference.Keys.Where(k => k.StartsWith("encoder", StringComparison.Ordinal) || k.StartsWith("decoder", StringComparison.Ordinal)))
        {
            if (key is "encoder_tokens" or "decoder_tokens") continue;
            Assert.True(cache.ContainsKey(key), $"the engine has no activation '{key}'");
            double tol = key.EndsWith("hook_pattern", StringComparison.Ordinal) ? 1e-5 : 1e-4;
            double diff = MaxDiff(cache[key], reference[key]);
            Assert.True(diff < tol, $"{key} differs by {diff} (tolerance {tol})");
            compared++;
            if (key.EndsWith("hook_pattern", StringComparison.Ordinal)) patterns++;
        }
        // Every self- and cross-attention pattern of both stacks was compared.
        Assert.Equal(model.Config.NumLayers + 2 * model.Config.NumDecoderLayers, patterns);
        Assert.True(compared > 30);
    }

    [Theory]
    [MemberData(nameof(RandomModels))]
    public void The_random_models_parity_inputs_reach_the_log_buckets_beyond_relative_attention_max_distance(string name)
    {
        var (model, _, path) = Load(name);
        Assert.True(Ids(path, "encoder_tokens").Length > model.Config.RelativeAttentionMaxDistance);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_padded_batch_row_matches_the_reference_with_its_encoder_mask(string name)
    {
        var (model, reference, path) = Load(name);
        var enc = Ids(path, "padded.encoder_tokens");
        var (mask, _) = SafetensorsReader.ReadInt64(path, "padded.encoder_mask");
        var dec = Ids(path, "decoder_tokens");
        var decoder = new Tokens(dec.Ids.Concat(dec.Ids).ToArray(), 2, dec.Length);
        var logits = model.Forward(new EncoderDecoderInput(enc, decoder, mask.Select(m => m != 0).ToArray()));
        Assert.True(MaxDiff(logits, reference["padded.logits"]) < 1e-4);
        // The mask matters: the padded row's logits differ from the unpadded row's.
        Assert.True(Math.Abs(logits[0, 0, 0] - logits[1, 0, 0]) > 1e-6);
    }

    [Fact]
    public void Pytorch_model_bin_through_the_restricted_unpickler_gives_the_same_logits()
    {
        var model = HookedEncoderDecoder.Load(RepoPaths.Fixture("t5-tiny-gated-torch"));
        var path = RepoPaths.Fixture("t5-tiny-gated", "reference.safetensors");
        var logits = model.Forward(new EncoderDecoderInput(Ids(path, "encoder_tokens"), Ids(path, "decoder_tokens")));
        Assert.True(MaxDiff(logits, SafetensorsReader.Read(path)["logits"]) < 1e-4);
    }

    [Fact]
    public void A_weight_the_config_does_not_account_for_is_rejected_with_the_file_named()
    {
        var dict = SafetensorsReader.Read(RepoPaths.Fixture("t5-tiny-gated", "model.safetensors"));
        var config = Verification.Loading.Config.T5ConfigReader.Read(RepoPaths.Fixture("t5-tiny-gated", "config.json"));
        var fewer = config with { NumDecoderLayers = config.NumDecoderLayers, NumLayers = config.NumLayers - 1 };
        var e = Assert.Throws<Verification.Loading.ModelFormatException>(() => T5Weights.FromStateDict(dict, fewer));
        Assert.Contains("encoder.block.2", e.Message);
        var untiedAsTied = config with { TieWordEmbeddings = true };
        Assert.Throws<Verification.Loading.ModelFormatException>(() => T5Weights.FromStateDict(dict, untiedAsTied));
    }

    [Fact]
    public void Bucket_function_equals_the_float32_reference_at_default_buckets()
    {
        var path = RepoPaths.Fixture("t5-tiny-relu", "reference.safetensors");
        var (rel, _) = SafetensorsReader.ReadInt64(path, "buckets.relative_position");
        var (bi, _) = SafetensorsReader.ReadInt64(path, "buckets.bidirectional");
        var (causal, _) = SafetensorsReader.ReadInt64(path, "buckets.causal");
        for (int i = 0; i < rel.Length; i++)
        {
            Assert.Equal((int)bi[i], RelativePositionBucket.Of((int)rel[i], true, 32, 128));
            Assert.Equal((int)causal[i], RelativePositionBucket.Of((int)rel[i], false, 32, 128));
        }
    }

    [Fact]
    public void Hooks_read_and_replace_by_HookedEncoderDecoder_names()
    {
        var (model, _, path) = Load("t5-tiny-relu");
        var input = new EncoderDecoderInput(Ids(path, "encoder_tokens"), Ids(path, "decoder_tokens"));
        var clean = model.Forward(input);
        Tensor? seen = null;
        var zeroed = model.Forward(input, new[]
        {
            Patch.Read("decoder.1.cross_attn.hook_pattern", t => seen = t.Clone()),
            new Hook("decoder.0.hook_cross_attn_out", (t, _) => Tensor.Zeros(t.Shape)),
        });
        Assert.NotNull(seen);
        Assert.Equal(new[] { 1, model.Config.NumHeads, input.Decoder.Length, input.Encoder.Length }, seen!.Shape);
        Assert.True(MaxDiff(clean, zeroed) > 1e-3);
        Assert.Throws<ArgumentException>(() => model.Forward(input, new[] { new Hook("decoder.0.cross_attn.hook_nothing", (t, _) => null) }));
        // The names filter: only matching activations are cached.
        var (_, cache) = model.RunWithCache(input, n => n.EndsWith("hook_pattern", StringComparison.Ordinal));
        Assert.All(cache.Keys, k => Assert.EndsWith("hook_pattern", k));
        Assert.Equal(model.Config.NumLayers + 2 * model.Config.NumDecoderLayers, cache.Count);
    }
}
