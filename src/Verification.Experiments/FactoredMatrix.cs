using Verification.Tensors.Backends;

namespace Verification.Experiments;

/// <summary>
/// A low-rank matrix kept as its factors, M = A·B with A [m, k] and B [k, n] (TransformerLens's FactoredMatrix), so
/// Frobenius norms of d_model × d_model circuits cost k × k work: ‖A·B‖²_F = tr((AᵀA)(BBᵀ)).
/// </summary>
public sealed class FactoredMatrix
{
    private readonly float[] _a, _b;
    private double[]? _gramA, _gramB;

    public int Rows { get; }
    public int Inner { get; }
    public int Columns { get; }

    public FactoredMatrix(float[] a, float[] b, int rows, int inner, int columns)
    {
        if (rows <= 0 || inner <= 0 || columns <= 0) throw new ArgumentException($"factor shapes [{rows}, {inner}]·[{inner}, {columns}] must be positive");
        if (a.Length != rows * inner) throw new ArgumentException($"left factor holds {a.Length} values, not {rows}×{inner}", nameof(a));
        if (b.Length != inner * columns) throw new ArgumentException($"right factor holds {b.Length} values, not {inner}×{columns}", nameof(b));
        _a = a; _b = b; Rows = rows; Inner = inner; Columns = columns;
    }

    /// <summary>Mᵀ = Bᵀ·Aᵀ.</summary>
    public FactoredMatrix Transpose() => new(TransposeOf(_b, Inner, Columns), TransposeOf(_a, Rows, Inner), Columns, Inner, Rows);

    /// <summary>AᵀA [k, k], in double.</summary>
    private double[] GramA => _gramA ??= Gram(_a, Rows, Inner, leftSide: true);
    /// <summary>BBᵀ [k, k], in double.</summary>
    private double[] GramB => _gramB ??= Gram(_b, Inner, Columns, leftSide: false);

    public double FrobeniusNorm => Math.Sqrt(Math.Max(0, TraceOfProduct(GramA, GramB, Inner)));

    /// <summary>
    /// ‖X·Y‖_F without forming X·Y: with N = B_X·A_Y [k₁, k₂], ‖A_X N B_Y‖²_F = tr(Nᵀ (A_XᵀA_X) N (B_Y B_Yᵀ)) = Σ (G₁N) ∘ (N G₂).
    /// </summary>
    public static double ProductNorm(FactoredMatrix x, FactoredMatrix y)
    {
        if (x.Columns != y.Rows) throw new ArgumentException($"cannot compose [{x.Rows}, {x.Columns}] with [{y.Rows}, {y.Columns}]");
        int k1 = x.Inner, k2 = y.Inner;
        var nf = new float[k1 * k2];
        Compute.Backend.Gemm(false, false, k1, k2, x.Columns, x._b, x.Columns, y._a, k2, nf, k2);
        var g1 = x.GramA; var g2 = y.GramB;
        double sum = 0;
        for (int i = 0; i < k1; i++)
            for (int j = 0; j < k2; j++)
            {
                double left = 0, right = 0;
                for (int p = 0; p < k1; p++) left += g1[i * k1 + p] * nf[p * k2 + j];
                for (int q = 0; q < k2; q++) right += nf[i * k2 + q] * g2[q * k2 + j];
                sum += left * right;
            }
        return Math.Sqrt(Math.Max(0, sum));
    }

    /// <summary>TransformerLens's composition score ‖X·Y‖_F / (‖X‖_F ‖Y‖_F) (utils.composition_scores); 0 when either is zero.</summary>
    public static double CompositionScore(FactoredMatrix x, FactoredMatrix y)
    {
        double denominator = x.FrobeniusNorm * y.FrobeniusNorm;
        return denominator > 0 ? ProductNorm(x, y) / denominator : 0;
    }

    /// <summary>The dense product (for tests and small matrices).</summary>
    public double[] ToDense()
    {
        var m = new double[Rows * Columns];
        for (int i = 0; i < Rows; i++)
            for (int p = 0; p < Inner; p++)
            {
                double a = _a[i * Inner + p];
                for (int j = 0; j < Columns; j++) m[i * Columns + j] += a * _b[p * Columns + j];
            }
        return m;
    }

    // Left factor [r, k]: AᵀA; right factor [k, c]: BBᵀ.
    private static double[] Gram(float[] f, int r, int c, bool leftSide)
    {
        int k = leftSide ? c : r, len = leftSide ? r : c;
        var g = new double[k * k];
        for (int i = 0; i < k; i++)
            for (int j = i; j < k; j++)
            {
                double s = 0;
                for (int t = 0; t < len; t++)
                    s += leftSide ? (double)f[t * c + i] * f[t * c + j] : (double)f[i * c + t] * f[j * c + t];
                g[i * k + j] = g[j * k + i] = s;
            }
        return g;
    }

    private static double TraceOfProduct(double[] x, double[] y, int k)
    {
        double s = 0;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) s += x[i * k + j] * y[j * k + i];
        return s;
    }

    private static float[] TransposeOf(float[] m, int rows, int columns)
    {
        var t = new float[m.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) t[j * rows + i] = m[i * columns + j];
        return t;
    }
}
