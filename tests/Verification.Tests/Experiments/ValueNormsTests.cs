using Verification.Experiments;
using Verification.Lens;
using Verification.Tensors;

namespace Verification.Tests.Experiments;

public class ValueNormsTests
{
    [Fact]
    public void Per_sequence_norms_at_BOS_and_elsewhere()
    {
        // v [1 sequence, 3 positions, 1 head, 2]: (3, 4) → 5 at BOS; (0, 1) → 1 and (6, 8) → 10 elsewhere, mean 5.5.
        var v = new Tensor(new float[] { 3, 4, 0, 1, 6, 8 }, 1, 3, 1, 2);
        var (bos, other) = ValueNorms.PerSequence(v, 0, 0);
        bos.Should().BeApproximately(5, 1e-9);
        other.Should().BeApproximately(5.5, 1e-9);
    }

    [Fact]
    public void Tiny_model_values_are_the_token_one_hots()
    {
        // Head 0's value is residual dim 0 (token 0's one-hot), head 1's dim 1. BOS 0 1: head 0 → 0 at BOS, mean (1 + 0)/2 elsewhere.
        var stats = ValueNorms.Measure(TinyAttentionModel.Build(), Tokens.FromRows(new[] { new[] { 3, 0, 1 }, new[] { 3, 0, 0 } }), new[] { new HeadRef(0, 0) });
        var s = stats.Single();
        s.BosNorm.Should().Be(0);
        s.OtherNorm.Should().BeApproximately((0.5 + 1) / 2, 1e-6);
        s.Ratio.Should().Be(0);
    }
}
