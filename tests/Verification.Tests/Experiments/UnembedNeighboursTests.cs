using Verification.Experiments;
using Verification.Lens.Weights;
using Verification.Tensors;

namespace Verification.Tests.Experiments;

public class UnembedNeighboursTests
{
    [Fact]
    public void Nearest_tokens_follow_cosine_of_unembedding_columns()
    {
        // Columns: t0 (1, 0), t1 (2, 0.2), t2 (0, 1), t3 (−1, 0), t4 (0.5, 0.5).
        var wU = new Tensor(new float[] { 1, 2, 0, -1, 0.5f, 0, 0.2f, 1, 0, 0.5f }, 2, 5);
        var w = new TransformerWeights
        {
            W_E = Tensor.Zeros(5, 2), W_pos = Tensor.Zeros(1, 2), Blocks = Array.Empty<BlockWeights>(), W_U = wU, b_U = Tensor.Zeros(5),
        };
        var near = UnembedNeighbours.Nearest(w, new[] { 0, 2, 0 }, 2);
        near[0].Should().Equal(1, 4);   // cos(t0, ·): t1 0.995 (scale does not count), t4 0.707, t2 0, t3 −1
        near[1].Should().Equal(4, 1);   // cos(t2, ·): t4 0.707, t1 0.0995, t0 0, t3 0
        near[2].Should().Equal(near[0]);
        UnembedNeighbours.Nearest(w, new[] { 0 }, 2, exclude: 1)[0].Should().Equal(4, 2);
        UnembedNeighbours.Nearest(w, new[] { 3 }, 3)[0].Should().Equal(2, 4, 1); // t2 (cos 0), t4 (−0.707), t1 (−0.995); t0 (−1) last
        FluentActions.Invoking(() => UnembedNeighbours.Nearest(w, new[] { 5 }, 1)).Should().Throw<ArgumentException>().WithMessage("*outside*");
    }
}
