using Verification.Experiments;
using Verification.Lens;

namespace Verification.Tests.Experiments;

public class PositionalShareTests
{
    [Fact]
    public void Share_is_between_position_variance_over_total_variance()
    {
        // d = 1, batch 2, 2 positions. Same values in each sequence: position explains everything.
        PositionalShare.Share(new float[] { 1, 3, 1, 3 }, 2, 2, 1, 0).Should().BeApproximately(1, 1e-12);
        // Position means both 1: position explains nothing.
        PositionalShare.Share(new float[] { 0, 2, 2, 0 }, 2, 2, 1, 0).Should().Be(0);
        // Means 1 and 2 (grand 1.5): between = 2·(0.25 + 0.25) = 1; total = 2.25 + 0.25 + 0.25 + 0.25 = 3 → 1/3.
        PositionalShare.Share(new float[] { 0, 2, 2, 2 }, 2, 2, 1, 0).Should().BeApproximately(1.0 / 3, 1e-12);
        // Skipping position 0 leaves one position: no between-position variance.
        PositionalShare.Share(new float[] { 0, 2, 2, 5 }, 2, 2, 1, 1).Should().Be(0);
    }

    [Fact]
    public void Shortformer_values_remove_the_positions_a_head_moves()
    {
        var model = HandInductionModel.Build();
        var rng = new SeededRandom(4);
        var ids = new RandomTokenIds(32, 31);
        var data = Enumerable.Range(0, 16 * 40).Select(i => i % 40 == 0 ? 31 : ids.Next(rng)).ToArray();
        var tokens = new Tokens(data, 16, 40);
        // L0H1 attends uniformly and writes the mean of pos(0..p): a function of position alone.
        var positions = PositionalShare.LayerZeroHead(model, 1, tokens);
        positions.Standard.Should().BeApproximately(1, 1e-6);
        positions.Shortformer.Should().Be(0, "its values read only W_pos, which a shortformer keeps out of the residual stream");
        // L0H0 writes the previous token: random, so only noise depends on position, with or without positions in the values.
        var previous = PositionalShare.LayerZeroHead(model, 0, tokens);
        previous.Standard.Should().BeLessThan(3 * previous.NoiseFloor);
        previous.Shortformer.Should().BeApproximately(previous.Standard, 1e-6);
        previous.NoiseFloor.Should().BeApproximately(37.0 / (16 * 38 - 1), 1e-12);
    }
}
