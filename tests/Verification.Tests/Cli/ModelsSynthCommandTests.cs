using System.Diagnostics;
using Verification.Claims.Framework;
using Verification.Cli.Claims;
using Verification.Lens;
using Verification.Lens.StandIns;
using Verification.Loading.Config;
using Verification.Loading.Safetensors;
using Verification.Loading.Torch;

namespace Verification.Tests.Cli;

/// <summary>`models synth`: stand-ins in the published models' own formats, names and shapes, loadable by the normal loaders.</summary>
public class ModelsSynthCommandTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("verification-synth-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static readonly string[] SmallSizes = { "--layers", "2", "--d-model", "64", "--heads", "4", "--d-head", "16", "--n-ctx", "32", "--d-vocab", "97" };

    private string Synth(string model, int seed, string name, params string[] sizes)
    {
        var dir = Path.Combine(_tmp, name);
        var r = CliRunner.Run(["models", "synth", model, "--out", dir, "--seed", seed.ToString(), .. sizes]);
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Should().Contain($"stand-in for {model}");
        return dir;
    }

    private static StandInShape Small(string model) => StandInShape.Published(model) with
    {
        Layers = 2, DModel = 64, Heads = 4, DHead = 16, NCtx = 32, DVocab = 97, DMlp = model == "gpt2-small" ? 256 : 0,
    };

    [Fact]
    public void Gpt2_stand_in_is_a_hugging_face_safetensors_model_with_gpt2_names_and_shapes()
    {
        var dir = Synth("gpt2-small", 3, "g", SmallSizes);
        var files = ModelLoader.Locate(dir);
        files.Format.Should().Be("safetensors");
        Path.GetFileName(files.WeightsPath).Should().Be("model.safetensors");
        var header = SafetensorsReader.ReadHeader(files.WeightsPath);
        var expected = StandInWriter.Tensors(Small("gpt2-small"));
        header.Tensors.Select(t => (t.Name, string.Join("x", t.Shape))).Should()
            .Equal(expected.Select(t => (t.Name, string.Join("x", t.Shape))));
        header.Tensors.Should().Contain(t => t.Name == "h.1.attn.c_attn.weight" && t.Shape.SequenceEqual(new[] { 64, 192 }));
        header.Tensors.Should().Contain(t => t.Name == "h.0.mlp.c_fc.weight" && t.Shape.SequenceEqual(new[] { 64, 256 }));
        header.Tensors.Should().OnlyContain(t => t.DType == SafetensorsDType.F32);

        var config = ModelConfigReader.Read(files.ConfigPath);
        config.Family.Should().Be(ModelFamily.HuggingFaceGpt2);
        (config.NLayers, config.DModel, config.NHeads, config.DHead, config.NCtx, config.DVocab, config.DMlp).Should().Be((2, 64, 4, 16, 32, 97, 256));
        StandInMarker.Read(dir).Should().Be("gpt2-small");
        ForwardIsFinite(dir, 97);
    }

    [Fact]
    public void Attn_only_stand_in_is_a_transformer_lens_torch_zip_with_its_names_and_shapes()
    {
        var dir = Synth("attn-only-2l", 5, "a", SmallSizes);
        var files = ModelLoader.Locate(dir);
        files.Format.Should().Be("pytorch-zip");
        Path.GetFileName(files.WeightsPath).Should().Be("model_final.pth");
        var dict = TorchCheckpointReader.Read(files.WeightsPath);
        var expected = StandInWriter.Tensors(Small("attn-only-2l"));
        dict.Keys.Should().Equal(expected.Select(t => t.Name));
        foreach (var t in expected) dict[t.Name].Shape.Should().Equal(t.Shape, t.Name);
        dict["blocks.1.attn.W_Q"].Shape.Should().Equal(4, 64, 16);
        dict["unembed.W_U"].Shape.Should().Equal(64, 97);
        dict["blocks.0.ln1.w"].Data.Should().OnlyContain(x => x == 1f);

        var config = ModelConfigReader.Read(files.ConfigPath);
        config.AttnOnly.Should().BeTrue();
        config.NormalizationType.Should().Be("LN");
        (config.NLayers, config.DModel, config.NHeads, config.DHead, config.NCtx, config.DVocab).Should().Be((2, 64, 4, 16, 32, 97));
        StandInMarker.Read(dir).Should().Be("attn-only-2l");
        ForwardIsFinite(dir, 97);
    }

    [Fact]
    public void Same_seed_writes_the_same_weights_and_another_seed_others()
    {
        var a = Synth("attn-only-2l", 7, "s1", SmallSizes);
        var b = Synth("attn-only-2l", 7, "s2", SmallSizes);
        var c = Synth("attn-only-2l", 8, "s3", SmallSizes);
        var wa = TorchCheckpointReader.Read(Path.Combine(a, "model_final.pth"))["embed.W_E"].Data;
        TorchCheckpointReader.Read(Path.Combine(b, "model_final.pth"))["embed.W_E"].Data.Should().Equal(wa);
        TorchCheckpointReader.Read(Path.Combine(c, "model_final.pth"))["embed.W_E"].Data.Should().NotEqual(wa);
        // N(0, 0.02): the scale that keeps a forward finite and the softmax away from saturation.
        double std = Math.Sqrt(wa.Average(x => (double)x * x));
        std.Should().BeInRange(0.017, 0.023);
    }

    [Fact]
    public void A_marked_directory_runs_as_a_stand_in_for_the_published_model()
    {
        var dir = Synth("gpt2-small", 1, "marked", SmallSizes);
        var selection = ClaimTargets.Select([new ModelRequest(dir)], withFixtures: false);
        selection.Requested.Should().ContainSingle().Which.Should().Match<ModelTarget>(t => t.Kind == TargetKind.StandIn && t.Name == "gpt2-small");
        // --name makes it the user's own model again.
        ClaimTargets.Select([new ModelRequest(dir, Name: "mine")], withFixtures: false).Requested.Single().Kind.Should().Be(TargetKind.User);
    }

    [Theory]
    [InlineData("gpt2-large")]
    public void An_unknown_model_is_bad_input(string model)
    {
        var r = CliRunner.Run("models", "synth", model, "--out", Path.Combine(_tmp, "x"));
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain(model).And.Contain("gpt2-small");
    }

    [Fact]
    public void Sizes_that_make_no_gpt2_are_bad_input()
    {
        var r = CliRunner.Run("models", "synth", "gpt2-small", "--out", Path.Combine(_tmp, "x"), "--d-model", "64", "--heads", "4", "--d-head", "8");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("d_model");
    }

    /// <summary>The published shapes: written in seconds, headers read back at GPT-2 small's and attn-only-2l's sizes.</summary>
    [Fact]
    public void Published_shapes_are_written_in_seconds_with_the_real_tensor_shapes()
    {
        var sw = Stopwatch.StartNew();
        var g = Synth("gpt2-small", 0, "g-full");
        var a = Synth("attn-only-2l", 0, "a-full");
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), "stand-ins are generated on demand by tests and benchmarks");

        var header = SafetensorsReader.ReadHeader(Path.Combine(g, "model.safetensors"));
        header.Tensors.Should().HaveCount(2 + 12 * 12 + 2);
        header.Tensors.Single(t => t.Name == "wte.weight").Shape.Should().Equal(50257, 768);
        header.Tensors.Single(t => t.Name == "wpe.weight").Shape.Should().Equal(1024, 768);
        header.Tensors.Single(t => t.Name == "h.11.mlp.c_proj.weight").Shape.Should().Equal(3072, 768);
        header.Tensors.Sum(t => t.ElementCount).Should().Be(124_439_808);
        File.Exists(Path.Combine(g, "encoder.json")).Should().BeTrue("the GPT-2 tokenizer files are copied beside the real vocabulary");
        ModelLoader.Locate(g).Tokenizer.Should().NotBeNull();
        var gc = ModelConfigReader.Read(Path.Combine(g, "config.json"));
        (gc.NLayers, gc.DModel, gc.NHeads, gc.NCtx, gc.DVocab, gc.DMlp).Should().Be((12, 768, 12, 1024, 50257, 3072));

        var ac = ModelConfigReader.Read(Path.Combine(a, "config.json"));
        (ac.NLayers, ac.DModel, ac.NHeads, ac.DHead, ac.NCtx, ac.DVocab, ac.AttnOnly).Should().Be((2, 512, 8, 64, 1024, 48262, true));
        var dict = TorchCheckpointReader.Read(Path.Combine(a, "model_final.pth"));
        dict["embed.W_E"].Shape.Should().Equal(48262, 512);
        dict["blocks.1.attn.W_O"].Shape.Should().Equal(8, 64, 512);
        dict.Values.Sum(t => (long)t.Length).Should().Be(StandInShape.Published("attn-only-2l").Parameters);
    }

    private static void ForwardIsFinite(string dir, int vocab)
    {
        var model = ModelLoader.Load(dir);
        var rng = new Random(11);
        var tokens = Tokens.FromRows(Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, 16).Select(_ => rng.Next(vocab)).ToArray()).ToList());
        var logits = model.Forward(tokens);
        logits.Shape.Should().Equal(2, 16, vocab);
        logits.Data.Should().OnlyContain(x => float.IsFinite(x));
        logits.Data.Select(Math.Abs).Max().Should().BeGreaterThan(0f, "random weights give non-zero logits");
    }
}
