using Verification.Experiments;

namespace Verification.Tests.Experiments;

public class PositionalOnlyTests
{
    // Head 0's query and key both read residual dim 2; W_pos puts the position p into dim 2, and every token embedding puts 5
    // there too. With the token embeddings zeroed the score of query q on key k is q·k (d_head 1: no scaling), so
    // q = 1: softmax(0, 1); q = 2: softmax(0, 2, 4). With the embeddings it would be (q + 5)(k + 5): different.
    private static Verification.Lens.HookedTransformer Model() => TinyAttentionModel.Build(w =>
    {
        for (int p = 0; p < 8; p++) w.W_pos.Data[p * 4 + 2] = p;
        for (int t = 0; t < 4; t++) w.W_E.Data[t * 4 + 2] = 5;
        w.Blocks[0].W_Q.Data[0 * 4 + 2] = 1;
        w.Blocks[0].W_K.Data[0 * 4 + 2] = 1;
    });

    [Fact]
    public void Patterns_depend_on_position_only()
    {
        var pattern = PositionalOnly.Patterns(Model(), 3);
        pattern.Shape.Should().Equal(1, 2, 3, 3);
        float P(int q, int k) => pattern.Data[(0 * 3 + q) * 3 + k];
        P(0, 0).Should().BeApproximately(1, 1e-6f);
        P(1, 1).Should().BeApproximately((float)(Math.E / (1 + Math.E)), 1e-6f);
        double z = 1 + Math.Exp(2) + Math.Exp(4);
        P(2, 0).Should().BeApproximately((float)(1 / z), 1e-6f);
        P(2, 2).Should().BeApproximately((float)(Math.Exp(4) / z), 1e-6f);
        PositionalOnly.PeakOffsets(pattern, 0).Should().Equal(0, 0, 0);
        // Head 1 is uniform: ties go to the earliest key (BOS), i.e. offset q.
        PositionalOnly.PeakOffsets(pattern, 1).Should().Equal(0, 1, 2);
    }

    [Fact]
    public void Too_many_positions_are_rejected()
    {
        FluentActions.Invoking(() => PositionalOnly.Patterns(Model(), 9)).Should().Throw<ArgumentException>().WithMessage("*n_ctx 8*");
    }
}
