using System.Numerics;
using Verification.Experiments;

namespace Verification.Tests.Experiments;

public class EigenvaluesTests
{
    private static double[] Sorted(Complex[] e) => e.Select(x => x.Real).OrderBy(x => x).ToArray();

    [Fact]
    public void Companion_matrix_of_known_roots_gives_them()
    {
        // x³ − 6x² + 11x − 6 = (x − 1)(x − 2)(x − 3).
        var e = Eigenvalues.Of(new double[] { 6, -11, 6, 1, 0, 0, 0, 1, 0 }, 3);
        e.Should().OnlyContain(x => Math.Abs(x.Imaginary) < 1e-9);
        Sorted(e).Should().Equal(new[] { 1.0, 2, 3 }, (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void Rotation_gives_a_conjugate_pair_and_triangular_matrices_their_diagonal()
    {
        var rotation = Eigenvalues.Of(new double[] { 0, -1, 1, 0 }, 2);
        rotation.Select(x => x.Imaginary).OrderBy(x => x).Should().Equal(new[] { -1.0, 1 }, (a, b) => Math.Abs(a - b) < 1e-12);
        rotation.Should().OnlyContain(x => Math.Abs(x.Real) < 1e-12);
        Eigenvalues.PositiveShare(rotation).Should().BeApproximately(0, 1e-12);

        var triangular = Eigenvalues.Of(new double[] { 4, 1, 2, 3, 0, -1, 5, 1, 0, 0, 2, 7, 0, 0, 0, 0.5 }, 4);
        Sorted(triangular).Should().Equal(new[] { -1, 0.5, 2, 4 }, (a, b) => Math.Abs(a - b) < 1e-9);
        Eigenvalues.PositiveShare(triangular).Should().BeApproximately(5.5 / 7.5, 1e-9);
    }

    [Theory]
    [InlineData(24, 0)]
    [InlineData(64, 0)]
    [InlineData(64, 8)]   // rank 8, like a circuit of a d_head-8 head: 56 zero eigenvalues
    public void Power_sums_of_eigenvalues_equal_traces_of_powers_for_a_random_matrix(int n, int rank)
    {
        var rng = new SeededRandom(8);
        var a = Enumerable.Range(0, n * n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        if (rank > 0)
        {
            var left = Enumerable.Range(0, n * n).Select(i => i % n < rank ? a[i] : 0).ToArray();  // [n, n] with only the first rank columns
            a = Multiply(left, Enumerable.Range(0, n * n).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), n);
        }
        var e = Eigenvalues.Of(a, n);
        e.Should().HaveCount(n);
        var power = (double[])a.Clone();
        for (int k = 1; k <= 4; k++)
        {
            double trace = Enumerable.Range(0, n).Sum(i => power[i * n + i]);
            Complex sum = e.Aggregate(Complex.Zero, (s, x) => s + Complex.Pow(x, k));
            sum.Real.Should().BeApproximately(trace, 1e-8, $"Σλ^{k} = tr(A^{k})");
            sum.Imaginary.Should().BeApproximately(0, 1e-8);
            power = Multiply(power, a, n);
        }
    }

    [Fact]
    public void Tight_clusters_converge()
    {
        // I − 0.01·11ᵀ (eigenvalues 1 ×31 and 0.68) plus noise of 1e−8: 31 eigenvalues within ~1e−8 of each other, as in a
        // circuit whose rows are nearly alike. (Computing the shift column as h00² − (a + d)h00 + ad cancels and stalls here.)
        const int n = 32;
        var rng = new SeededRandom(3);
        var a = Enumerable.Range(0, n * n).Select(i => (i / n == i % n ? 1 : 0) - 0.01 + 1e-8 * (rng.NextDouble() - 0.5)).ToArray();
        var e = Eigenvalues.Of(a, n).Select(x => x.Real).OrderBy(x => x).ToArray();
        e[0].Should().BeApproximately(0.68, 1e-6);
        e.Skip(1).Should().OnlyContain(x => Math.Abs(x - 1) < 1e-6);
    }

    [Fact]
    public void Zero_matrix_has_zero_eigenvalues()
    {
        Eigenvalues.Of(new double[25], 5).Should().OnlyContain(x => x == Complex.Zero);
        Eigenvalues.PositiveShare(Eigenvalues.Of(new double[25], 5)).Should().Be(0);
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        FluentActions.Invoking(() => Eigenvalues.Of(new double[] { 1, 2, 3 }, 2)).Should().Throw<ArgumentException>().WithMessage("*not 2 × 2*");
        FluentActions.Invoking(() => Eigenvalues.Of(new[] { double.NaN }, 1)).Should().Throw<ArgumentException>().WithMessage("*non-finite*");
    }

    private static double[] Multiply(double[] x, double[] y, int n)
    {
        var r = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                for (int j = 0; j < n; j++) r[i * n + j] += x[i * n + k] * y[k * n + j];
        return r;
    }
}
