using Verification.Experiments;

namespace Verification.Tests.Experiments;

public class FullCircuitsTests
{
    [Fact]
    public void Diagonal_rank_counts_other_entries_at_least_as_large()
    {
        // M = L·Rᵀ with L = I: M = Rᵀ = [[3, 1, 2], [5, 4, 0], [1, 1, 1]].
        var left = new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        var right = new float[] { 3, 5, 1, 1, 4, 1, 2, 0, 1 };
        var ranks = DiagonalRanks.Of(left, right, 3, 3, new[] { 0, 1, 2 });
        ranks.Should().Equal(0, 1, 2);  // row 2 ties: 1, 1 ≥ 1 count against the own entry
        var a = DiagonalRanks.Summarize(ranks, 3);
        (a.Top1, a.Top5, a.MedianRank).Should().Be((1, 3, 1.0));
        a.ChanceTop5.Should().Be(1);
        DiagonalRanks.Of(left, right, 3, 3, new[] { 1 }).Should().Equal(1);
        FluentActions.Invoking(() => DiagonalRanks.Of(left, right, 3, 3, new[] { 3 })).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Rows_to_score_are_all_tokens_but_bos_or_a_sample()
    {
        DiagonalRanks.RowsToScore(10, 9, 100, 5, 1).Should().Equal(0, 1, 2, 3, 4, 5, 6, 7, 8);
        DiagonalRanks.RowsToScore(1000, 0, 100, 50, 1).Should().HaveCount(50).And.NotContain(0).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Hand_circuit_OV_copies_every_token_and_a_zero_head_copies_none()
    {
        var w = HandInductionModel.Build().Weights;
        var rows = Enumerable.Range(0, 31).ToArray();
        var (l, r, rank) = FullCircuits.OV(w, new HeadRef(1, 0));
        DiagonalRanks.Of(l, r, 32, rank, rows).Should().OnlyContain(x => x == 0, "W_E W_V W_O W_U = 10·I");
        // Its core (W_O W_U)(W_E W_V) is 10 on the 32 token dimensions of d_head and 0 on the rest: all eigenvalues ≥ 0.
        var core = FullCircuits.EigenCore(l, r, 32, rank);
        Enumerable.Range(0, rank).Sum(i => core[i * rank + i]).Should().BeApproximately(320, 1e-3);
        Eigenvalues.PositiveShare(Eigenvalues.Of(core, rank)).Should().BeApproximately(1, 1e-9);
        var (l1, r1, rank1) = FullCircuits.OV(w, new HeadRef(1, 1));
        DiagonalRanks.Of(l1, r1, 32, rank1, rows).Should().OnlyContain(x => x == 31, "a zero row ties everywhere");
    }

    [Fact]
    public void Hand_circuit_QK_through_the_previous_token_head_matches_each_token_to_itself()
    {
        var w = HandInductionModel.Build().Weights;
        var rows = Enumerable.Range(0, 31).ToArray();
        var (q, k, rank) = FullCircuits.QKThroughPreviousToken(w, new HeadRef(0, 0), new HeadRef(1, 0));
        // Ê rows are (e_t − 1/d)/rms: score(t, s) ∝ δ_ts − 2/d + V/d², largest on the diagonal.
        DiagonalRanks.Of(q, k, 32, rank, rows).Should().OnlyContain(x => x == 0);
        DiagonalRanks.Of(k, q, 32, rank, rows).Should().OnlyContain(x => x == 0);
        Eigenvalues.PositiveShare(Eigenvalues.Of(FullCircuits.EigenCore(q, k, 32, rank), rank)).Should().BeApproximately(1, 1e-6, "a centred Gram matrix: positive semidefinite");
        var (q1, k1, rank1) = FullCircuits.QKThroughPreviousToken(w, new HeadRef(0, 1), new HeadRef(1, 0));
        DiagonalRanks.Of(q1, k1, 32, rank1, rows).Should().OnlyContain(x => x == 31, "through the position head every key is the same");
    }

    [Fact]
    public void Normalized_embedding_centres_rows_and_scales_them_to_unit_rms()
    {
        FullCircuits.NormalizedEmbedding(new float[] { 1, 3, 2, 2 }, 2, 2).Should().Equal(-1, 1, 0, 0);
    }
}
