using Verification.Experiments;
using Verification.Lens;
using Verification.Tensors;

namespace Verification.Tests.Experiments;

public class AttentionByOffsetTests
{
    [Fact]
    public void Profile_averages_by_offset_over_queries_and_sequences()
    {
        // One head, 4 positions, max offset 1 → queries 2 and 3. Sequence 0: q2 = [0.2, 0.3, 0.5], q3 = [0.1, 0.2, 0.3, 0.4];
        // sequence 1: q2 = [0, 1, 0], q3 = [0.5, 0, 0.5, 0]. Offset 0: (0.5 + 0.4)/2 = 0.45 and (0 + 0)/2 = 0 → 0.225;
        // offset 1: (0.3 + 0.3)/2 = 0.3 and (1 + 0.5)/2 = 0.75 → 0.525; BOS: (0.2 + 0.1)/2 = 0.15 and 0.25 → 0.2.
        float[] s0 = { 1, 0, 0, 0, 0.5f, 0.5f, 0, 0, 0.2f, 0.3f, 0.5f, 0, 0.1f, 0.2f, 0.3f, 0.4f };
        float[] s1 = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0.5f, 0, 0.5f, 0 };
        var pattern = new Tensor(s0.Concat(s1).ToArray(), 2, 1, 4, 4);
        var p = AttentionByOffset.FromPatterns(new[] { pattern }, 0, 0, 1);
        p.ByOffset[0].Should().BeApproximately(0.225, 1e-6);
        p.ByOffset[1].Should().BeApproximately(0.525, 1e-6);
        p.ByOffsetSe[1].Should().BeApproximately(0.225, 1e-6); // two values 0.3, 0.75: s.e. = |difference| / 2
        p.Bos.Should().BeApproximately(0.2, 1e-6);
        p.PeakOffset.Should().Be(1);
        p.MeanPattern[3][0].Should().BeApproximately(0.3, 1e-6);
        p.MeanPattern[1][1].Should().BeApproximately(0.75, 1e-6);
    }

    [Fact]
    public void Uniform_attention_of_the_tiny_model_gives_one_over_q_plus_one()
    {
        // W_Q = W_K = 0: query q spreads 1/(q+1) over keys 0..q. Max offset 1 on 4 positions: queries 2, 3 → (1/3 + 1/4) / 2 per offset.
        var tokens = Tokens.FromRows(new[] { new[] { 3, 0, 1, 2 } });
        var profiles = AttentionByOffset.Measure(TinyAttentionModel.Build(), tokens, 0, 1);
        profiles.Should().HaveCount(2);
        profiles[1].ByOffset[0].Should().BeApproximately((1.0 / 3 + 0.25) / 2, 1e-6);
        profiles[1].Bos.Should().BeApproximately((1.0 / 3 + 0.25) / 2, 1e-6);
    }

    [Fact]
    public void Too_few_positions_for_the_offsets_are_rejected()
    {
        var pattern = new Tensor(new float[16], 1, 1, 4, 4);
        FluentActions.Invoking(() => AttentionByOffset.FromPatterns(new[] { pattern }, 0, 0, 3)).Should().Throw<ArgumentException>().WithMessage("*offsets 0..3*");
    }
}
