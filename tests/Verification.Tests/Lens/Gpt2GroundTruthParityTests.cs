using Verification.Tests.Claims;
using Verification.Tests.Torch;

namespace Verification.Tests.Lens;

/// <summary>
/// The gpt2-small-circuits ground truth and its twins (Hugging Face GPT-2 safetensors, F16, 12 layers x 12 heads, d_model 96,
/// n_inner 4) against their float64 references, by the same assertions as the other fixtures: raw logits 1e-4, patterns 1e-5,
/// residuals 1e-4; processed log-probs and patterns; the head statistics and natural-text BOS attention (1e-4); the torch
/// engine. One short input each (repeated-random-short: BOS + 8 random ids + the same 8), since 12 x 12 patterns grow as 144 T².
/// </summary>
public class Gpt2GroundTruthParityTests
{
    private const string Input = "repeated-random-short";

    public static TheoryData<string> Models() => new(Gpt2GroundTruth.Models);

    [Theory]
    [MemberData(nameof(Models))]
    public void Raw_model_matches_reference(string model) => new ParityTests().Raw_model_matches_reference_logits_patterns_and_residuals(model, Input);

    [Theory]
    [MemberData(nameof(Models))]
    public void Processed_model_keeps_log_probs_and_patterns(string model) => new ParityTests().Processed_model_keeps_log_probs_and_patterns(model, Input);

    [Theory]
    [MemberData(nameof(Models))]
    public void Rrt_head_statistics_match_reference(string model) => new HeadStatisticsParityTests().Rrt_head_statistics_match_reference(model);

    [Theory]
    [MemberData(nameof(Models))]
    public void Natural_text_bos_attention_matches_reference(string model) => new HeadStatisticsParityTests().Natural_text_bos_attention_matches_reference(model);

    [Theory]
    [MemberData(nameof(Models))]
    public void Torch_engine_matches_reference(string model) => new TorchParityTests().Torch_raw_model_matches_reference(model, Input);

    [Fact]
    public void Loader_reads_n_inner_other_than_four_times_d_model()
    {
        var m = FixtureModels.Raw(Gpt2GroundTruth.Model);
        m.Config.DModel.Should().Be(96);
        m.Config.DMlp.Should().Be(4, "config.json's n_inner is 4, not the default 4 × n_embd = 384");
        m.Config.NLayers.Should().Be(12);
        m.Config.NHeads.Should().Be(12);
    }
}
