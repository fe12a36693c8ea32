namespace Verification.Experiments;

/// <summary>
/// Eigenvalues of a small dense real matrix (d_head × d_head circuits), in double: Householder reduction to upper Hessenberg
/// form, then Francis double-shift QR steps with deflation (Golub &amp; Van Loan, Matrix Computations, §7.4–7.5); a 2 × 2
/// block left on the diagonal gives a real pair or a complex-conjugate pair by the quadratic formula.
/// </summary>
public static class Eigenvalues
{
    private const int MaxIterationsPerEigenvalue = 100;
    private const double Tolerance = 1e-14;

    /// <summary>The n eigenvalues of the row-major n × n matrix <paramref name="a"/> (unordered).</summary>
    public static System.Numerics.Complex[] Of(double[] a, int n)
    {
        if (n <= 0 || a.Length != n * n) throw new ArgumentException($"matrix of {a.Length} values is not {n} × {n}", nameof(a));
        if (a.Any(x => !double.IsFinite(x))) throw new ArgumentException("matrix has a non-finite entry", nameof(a));
        var h = (double[])a.Clone();
        ReduceToHessenberg(h, n);
        // A subdiagonal entry is negligible below 1e-14 beside its diagonal neighbours or beside the whole matrix (the second
        // lets near-zero eigenvalues of low-rank circuits deflate); eigenvalues keep an absolute accuracy of about 1e-14‖H‖.
        double floor = Tolerance * Math.Sqrt(h.Sum(x => x * x));
        var result = new System.Numerics.Complex[n];
        int hi = n - 1, iterations = 0;
        while (hi >= 0)
        {
            int l = hi;
            while (l > 0)
            {
                double s = Math.Abs(h[(l - 1) * n + l - 1]) + Math.Abs(h[l * n + l]);
                double sub = Math.Abs(h[l * n + l - 1]);
                if (sub <= Tolerance * s || sub <= floor) { h[l * n + l - 1] = 0; break; }
                l--;
            }
            if (l == hi)
            {
                result[hi] = h[hi * n + hi];
                hi--; iterations = 0;
            }
            else if (l == hi - 1)
            {
                (result[hi - 1], result[hi]) = TwoByTwo(h[(hi - 1) * n + hi - 1], h[(hi - 1) * n + hi], h[hi * n + hi - 1], h[hi * n + hi]);
                hi -= 2; iterations = 0;
            }
            else
            {
                if (++iterations > MaxIterationsPerEigenvalue) throw new InvalidOperationException("QR iteration did not converge");
                FrancisStep(h, n, l, hi, exceptional: iterations % 11 == 10);
            }
        }
        return result;
    }

    /// <summary>Σλ / Σ|λ|: 1 when every eigenvalue is positive real (a copying or matching circuit), −1 when all are negative.</summary>
    public static double PositiveShare(IReadOnlyList<System.Numerics.Complex> eigenvalues)
    {
        double abs = eigenvalues.Sum(e => e.Magnitude);
        return abs > 0 ? eigenvalues.Sum(e => e.Real) / abs : 0;
    }

    private static (System.Numerics.Complex, System.Numerics.Complex) TwoByTwo(double a, double b, double c, double d)
    {
        double half = (a + d) / 2, det = a * d - b * c, disc = half * half - det;
        if (disc >= 0)
        {
            double r = Math.Sqrt(disc);
            double big = half + (half >= 0 ? r : -r);       // avoids cancellation; the other root from the product
            double small = big != 0 ? det / big : half - r;
            return (big, small);
        }
        double im = Math.Sqrt(-disc);
        return (new(half, im), new(half, -im));
    }

    private static void ReduceToHessenberg(double[] h, int n)
    {
        var u = new double[n];
        for (int k = 0; k < n - 2; k++)
        {
            double norm = 0;
            for (int i = k + 1; i < n; i++) norm += h[i * n + k] * h[i * n + k];
            norm = Math.Sqrt(norm);
            if (norm == 0) continue;
            double alpha = h[(k + 1) * n + k] > 0 ? -norm : norm;
            double uu = 0;
            for (int i = k + 1; i < n; i++) { u[i] = h[i * n + k] - (i == k + 1 ? alpha : 0); uu += u[i] * u[i]; }
            if (uu == 0) continue;
            ApplyLeft(h, n, u, k + 1, n - 1, k, n - 1, 2 / uu);
            ApplyRight(h, n, u, k + 1, n - 1, 0, n - 1, 2 / uu);
        }
    }

    // One implicit double-shift step on the unreduced Hessenberg window [lo, hi] (updates only that window: eigenvalues only).
    private static void FrancisStep(double[] h, int n, int lo, int hi, bool exceptional)
    {
        int m = hi - 1;
        double h00 = h[lo * n + lo], h01 = h[lo * n + lo + 1], h10 = h[(lo + 1) * n + lo], h11 = h[(lo + 1) * n + lo + 1];
        double x, y, z = h10 * h[(lo + 2) * n + lo + 1];
        if (!exceptional)
        {
            // First column of (H − σ₁)(H − σ₂), σ the eigenvalues of the trailing 2 × 2 [[a, b], [c, d]], with the differences
            // taken first: h00² − (a + d)h00 + ad would cancel catastrophically when the diagonal is nearly constant (clusters).
            double a = h[m * n + m], b = h[m * n + hi], c = h[hi * n + m], d = h[hi * n + hi];
            x = (h00 - a) * (h00 - d) - b * c + h01 * h10;
            y = h10 * ((h00 - a) + (h11 - d));
        }
        else
        {
            // An ad hoc pair of shifts (sum s, product t) breaks cycles the standard shifts can fall into.
            double e = Math.Abs(h[hi * n + m]) + Math.Abs(h[m * n + m - (m > lo ? 1 : 0)]);
            double s = h[hi * n + hi] + 1.5 * e, t = h[hi * n + hi] * h[hi * n + hi] + e * e;
            x = h00 * h00 + h01 * h10 - s * h00 + t;
            y = h10 * (h00 + h11 - s);
        }
        var u = new double[n];
        for (int k = lo; k <= hi - 2; k++)
        {
            int size = 3;
            double norm = Math.Sqrt(x * x + y * y + z * z);
            if (norm != 0)
            {
                double alpha = x > 0 ? -norm : norm;
                u[k] = x - alpha; u[k + 1] = y; u[k + 2] = z;
                double uu = u[k] * u[k] + y * y + z * z;
                ApplyLeft(h, n, u, k, k + size - 1, Math.Max(lo, k - 1), hi, 2 / uu);
                ApplyRight(h, n, u, k, k + size - 1, lo, Math.Min(k + 3, hi), 2 / uu);
            }
            x = h[(k + 1) * n + k];
            y = h[(k + 2) * n + k];
            if (k < hi - 2) z = h[(k + 3) * n + k];
        }
        double last = Math.Sqrt(x * x + y * y);
        if (last != 0)
        {
            double alpha = x > 0 ? -last : last;
            u[hi - 1] = x - alpha; u[hi] = y;
            double uu = u[hi - 1] * u[hi - 1] + y * y;
            ApplyLeft(h, n, u, hi - 1, hi, Math.Max(lo, hi - 2), hi, 2 / uu);
            ApplyRight(h, n, u, hi - 1, hi, lo, hi, 2 / uu);
        }
    }

    // Rows r0..r1 of columns c0..c1 ← (I − β u uᵀ) · them, u living in entries r0..r1.
    private static void ApplyLeft(double[] h, int n, double[] u, int r0, int r1, int c0, int c1, double beta)
    {
        for (int j = c0; j <= c1; j++)
        {
            double w = 0;
            for (int i = r0; i <= r1; i++) w += u[i] * h[i * n + j];
            w *= beta;
            for (int i = r0; i <= r1; i++) h[i * n + j] -= w * u[i];
        }
    }

    // Columns c0..c1 of rows r0..r1 ← them · (I − β u uᵀ), u living in entries c0..c1.
    private static void ApplyRight(double[] h, int n, double[] u, int c0, int c1, int r0, int r1, double beta)
    {
        for (int i = r0; i <= r1; i++)
        {
            double w = 0;
            for (int j = c0; j <= c1; j++) w += h[i * n + j] * u[j];
            w *= beta;
            for (int j = c0; j <= c1; j++) h[i * n + j] -= w * u[j];
        }
    }
}
