using Verification.Loading;
using Verification.Loading.Safetensors;
using Verification.Tensors;
using Verification.Tests.Cli;
using Verification.Tests.Lens;

namespace Verification.Tests.Torch;

/// <summary>
/// `cache --backend torch` on every fixture, decoder-only and T5: the file it writes agrees with the float64 references
/// (logits 1e-4, patterns 1e-5, residuals and, for T5, every other activation 1e-4) and with `cache --backend managed`
/// on every activation at the same tolerances.
/// </summary>
public class TorchCacheCommandTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("verification-torch-cache-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    public static TheoryData<string> DecoderFixtures() => new(FixtureModels.Names);

    private StateDict Cache(string backend, params string[] args)
    {
        var path = Path.Combine(_tmp, $"{backend}-{Guid.NewGuid():N}.safetensors");
        var r = CliRunner.Run(new[] { "cache" }.Concat(args).Concat(new[] { "--backend", backend, "--out", path }).ToArray());
        r.ExitCode.Should().Be(0, r.Error);
        return SafetensorsReader.Read(path);
    }

    private static double Tolerance(string name) => name.EndsWith("hook_pattern", StringComparison.Ordinal) ? 1e-5 : 1e-4;

    // hook_attn_scores holds −∞ at masked keys on both engines: compare those as equal.
    private static Tensor Finite(Tensor t) => new(t.Data.Select(v => float.IsNegativeInfinity(v) ? -1e30f : v).ToArray(), t.Shape);

    private static void SameAsManaged(StateDict torch, StateDict managed)
    {
        torch.Keys.Should().BeEquivalentTo(managed.Keys, "both engines write the same activations");
        managed.Keys.Should().Contain("logits").And.HaveCountGreaterThan(20);
        foreach (var k in managed.Keys) ParityTests.AssertClose(Finite(torch[k]), Finite(managed[k]), Tolerance(k), $"{k} torch vs managed");
    }

    [Theory]
    [MemberData(nameof(DecoderFixtures))]
    public void Cache_on_torch_matches_the_reference_and_managed_on_a_decoder_fixture(string model)
    {
        var reference = ReferenceActivations.Load(model, "sentence");
        string dir = RepoPaths.Fixture(model), ids = string.Join(",", reference.Tokens.Ids);
        // Raw weights, as the references were computed.
        var torch = Cache("torch", "--model", dir, "--tokens", ids, "--no-weight-processing", "--device", "cpu");
        int t = reference.Tokens.Length, layers = reference.ResidPost.Length;
        ParityTests.AssertClose(torch["logits"].Reshape(reference.Logits.Shape), reference.Logits, 1e-4, "logits vs reference");
        ParityTests.AssertClose(torch["blocks.0.hook_resid_pre"].Reshape(reference.ResidPre0.Shape), reference.ResidPre0, 1e-4, "resid_pre.0 vs reference");
        for (int l = 0; l < layers; l++)
        {
            ParityTests.AssertClose(torch[$"blocks.{l}.hook_resid_post"].Reshape(reference.ResidPost[l].Shape), reference.ResidPost[l], 1e-4, $"resid_post.{l} vs reference");
            var pattern = torch[$"blocks.{l}.attn.hook_pattern"];
            int per = reference.Patterns.Length / layers;
            ParityTests.AssertClose(pattern.Reshape(pattern.Shape[1], t, t),
                new Tensor(reference.Patterns.Data.AsSpan(l * per, per).ToArray(), reference.Patterns.Shape[1..]), 1e-5, $"patterns layer {l} vs reference");
        }
        SameAsManaged(torch, Cache("managed", "--model", dir, "--tokens", ids, "--no-weight-processing"));
        // Processed weights (the default) on both engines.
        SameAsManaged(Cache("torch", "--model", dir, "--tokens", ids), Cache("managed", "--model", dir, "--tokens", ids));
    }

    [Theory]
    [InlineData("t5-tiny-relu", "t5-tiny-relu")]
    [InlineData("t5-tiny-gated", "t5-tiny-gated")]
    [InlineData("t5-tiny-gated-torch", "t5-tiny-gated")] // the same weights as pytorch_model.bin
    public void Cache_on_torch_matches_the_reference_and_managed_on_a_T5_fixture(string model, string referenceModel)
    {
        var path = RepoPaths.Fixture(referenceModel, "reference.safetensors");
        string Ids(string name) => string.Join(",", SafetensorsReader.ReadInt64(path, name).Data);
        string[] args = { "--model", RepoPaths.Fixture(model), "--tokens", Ids("encoder_tokens"), "--decoder-tokens", Ids("decoder_tokens") };
        var torch = Cache("torch", args);
        var reference = SafetensorsReader.Read(path);
        int compared = 0;
        foreach (var k in reference.Keys.Where(k => k == "logits" || ((k.StartsWith("encoder", StringComparison.Ordinal) || k.StartsWith("decoder", StringComparison.Ordinal)) && !k.EndsWith("_tokens", StringComparison.Ordinal))))
        {
            ParityTests.AssertClose(torch[k], reference[k], Tolerance(k), $"{k} vs reference");
            compared++;
        }
        compared.Should().BeGreaterThan(30);
        SameAsManaged(torch, Cache("managed", args));
    }
}
