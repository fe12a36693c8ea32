using Verification.Experiments;

namespace Verification.Tests.Experiments;

public class CompositionScoresTests
{
    [Fact]
    public void Factored_norms_and_composition_score_match_a_hand_computed_case()
    {
        // X = [1; 2]·[3 4] = [[3, 4], [6, 8]], ‖X‖ = √125. Y = [1; 0]·[1 0] = [[1, 0], [0, 0]], ‖Y‖ = 1.
        // X·Y = [[3, 0], [6, 0]], ‖X·Y‖ = √45, score = √45 / √125 = 0.6.
        var x = new FactoredMatrix(new float[] { 1, 2 }, new float[] { 3, 4 }, 2, 1, 2);
        var y = new FactoredMatrix(new float[] { 1, 0 }, new float[] { 1, 0 }, 2, 1, 2);
        x.FrobeniusNorm.Should().BeApproximately(Math.Sqrt(125), 1e-9);
        x.ToDense().Should().Equal(3, 4, 6, 8);
        x.Transpose().ToDense().Should().Equal(3, 6, 4, 8);
        FactoredMatrix.ProductNorm(x, y).Should().BeApproximately(Math.Sqrt(45), 1e-9);
        FactoredMatrix.CompositionScore(x, y).Should().BeApproximately(0.6, 1e-9);
        FactoredMatrix.CompositionScore(y, x).Should().BeApproximately(Math.Sqrt(25.0 / 125), 1e-9, "Y·X = [[3, 4], [0, 0]]");
    }

    [Fact]
    public void Factored_product_norm_equals_the_dense_product_norm_for_irregular_factors()
    {
        var rng = new SeededRandom(1);
        float R() => (float)(rng.NextDouble() * 2 - 1);
        int m = 7, k1 = 3, n = 5, k2 = 2, p = 4;
        var x = new FactoredMatrix(Enumerable.Range(0, m * k1).Select(_ => R()).ToArray(), Enumerable.Range(0, k1 * n).Select(_ => R()).ToArray(), m, k1, n);
        var y = new FactoredMatrix(Enumerable.Range(0, n * k2).Select(_ => R()).ToArray(), Enumerable.Range(0, k2 * p).Select(_ => R()).ToArray(), n, k2, p);
        var dx = x.ToDense();
        var dy = y.ToDense();
        double sum = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < p; j++)
            {
                double e = 0;
                for (int t = 0; t < n; t++) e += dx[i * n + t] * dy[t * p + j];
                sum += e * e;
            }
        FactoredMatrix.ProductNorm(x, y).Should().BeApproximately(Math.Sqrt(sum), 1e-5);
        x.FrobeniusNorm.Should().BeApproximately(Math.Sqrt(dx.Sum(v => v * v)), 1e-5);
        FluentActions.Invoking(() => FactoredMatrix.ProductNorm(y, x)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Hand_circuit_K_composes_its_previous_token_head_into_its_induction_head()
    {
        var w = HandInductionModel.Build().Weights;
        HeadRef prev = new(0, 0), positions = new(0, 1), ind = new(1, 0);
        // OV(prev) = Σ tok(i)→prev(i) (norm √32); W_K·W_Qᵀ(ind) = Σ c·prev(i)→tok(i) (norm c√32); product Σ c·tok(i)→tok(i): score 1/√32.
        CompositionScores.Score(w, prev, ind, CompositionKind.K).Should().BeApproximately(1 / Math.Sqrt(32), 1e-6);
        CompositionScores.Score(w, prev, ind, CompositionKind.Q).Should().Be(0, "the query reads token slots, prev writes prev slots");
        CompositionScores.Score(w, prev, ind, CompositionKind.V).Should().Be(0);
        CompositionScores.Score(w, positions, ind, CompositionKind.K).Should().Be(0);
        var k = CompositionScores.Matrix(w, new[] { prev, positions }, 1, 2, CompositionKind.K);
        k[0, 0].Should().BeApproximately(1 / Math.Sqrt(32), 1e-6);
        k[0, 1].Should().Be(0, "L1H1 is zero: a zero circuit scores 0");
        FluentActions.Invoking(() => CompositionScores.Score(w, ind, prev, CompositionKind.K)).Should().Throw<ArgumentException>();
    }
}
