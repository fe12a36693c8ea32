namespace Verification.Experiments;

/// <summary>
/// The K3 multisine probe [003]: f(t) = Σ a_i sin(2π k_i t + φ_i) sampled at t = n / samples, n = 0..samples−1, and the
/// spectral tools the claim reads: a DFT amplitude spectrum and the period of a spectrum (its autocorrelation peak).
/// </summary>
public static class Multisine
{
    public static readonly int[] PublishedFrequencies = { 5, 10, 20, 40 };
    public static readonly double[] PublishedAmplitudes = { 1.0, 0.5, 0.25, 0.25 };

    public static double[] Series(IReadOnlyList<int> frequencies, IReadOnlyList<double> amplitudes, int samples, IReadOnlyList<double>? phases = null)
    {
        if (frequencies.Count == 0 || frequencies.Count != amplitudes.Count || (phases != null && phases.Count != frequencies.Count))
            throw new ArgumentException($"{frequencies.Count} frequencies, {amplitudes.Count} amplitudes and {phases?.Count} phases must match and be non-empty");
        if (samples < 2) throw new ArgumentException($"samples {samples} must be at least 2");
        var y = new double[samples];
        for (int n = 0; n < samples; n++)
            for (int i = 0; i < frequencies.Count; i++)
                y[n] += amplitudes[i] * Math.Sin(2 * Math.PI * frequencies[i] * n / samples + (phases?[i] ?? 0));
        return y;
    }

    /// <summary>|DFT| for bins 0..N/2 (a direct O(N²) transform: the rows are short).</summary>
    public static double[] AmplitudeSpectrum(IReadOnlyList<double> x)
    {
        if (x.Count < 2) throw new ArgumentException("a spectrum needs at least two samples");
        int n = x.Count;
        var amp = new double[n / 2 + 1];
        for (int k = 0; k < amp.Length; k++)
        {
            double re = 0, im = 0;
            for (int t = 0; t < n; t++)
            {
                double a = -2 * Math.PI * k * t / n;
                re += x[t] * Math.Cos(a);
                im += x[t] * Math.Sin(a);
            }
            amp[k] = Math.Sqrt(re * re + im * im);
        }
        return amp;
    }

    /// <summary>
    /// The period of a spectrum: the smallest lag in 1..maxLag whose autocorrelation (mean-removed, per overlapping pair) is
    /// within 10% of the best lag's; multiples of the period correlate as well, so the smallest one is the period.
    /// </summary>
    public static int Period(IReadOnlyList<double> spectrum, int maxLag)
    {
        if (maxLag < 1 || maxLag >= spectrum.Count) throw new ArgumentException($"max lag {maxLag} must be in 1..{spectrum.Count - 1}");
        double mean = spectrum.Average();
        var corr = new double[maxLag + 1];
        for (int lag = 1; lag <= maxLag; lag++)
        {
            double c = 0;
            for (int i = 0; i + lag < spectrum.Count; i++) c += (spectrum[i] - mean) * (spectrum[i + lag] - mean);
            corr[lag] = c / (spectrum.Count - lag);
        }
        double best = corr.Skip(1).Max();
        for (int lag = 1; lag <= maxLag; lag++)
            if (corr[lag] >= 0.9 * best) return lag;
        return 1; // unreachable: the best lag qualifies
    }

    /// <summary>
    /// The amplitude of a spectrum's part that repeats every <paramref name="period"/> bins: the document's second FFT
    /// (|DFT| of the mean-removed spectrum) at the quefrency of that period, round(length / period), divided by the length.
    /// A comb of attention (one peak per period of the input) gives a periodic spectrum and a large value; attention on one
    /// position (a flat spectrum) or spread evenly (an empty one) gives 0, however large its mean amplitude.
    /// </summary>
    public static double PeriodicAmplitude(IReadOnlyList<double> spectrum, int period)
    {
        if (period < 1 || spectrum.Count < 2 * period) throw new ArgumentException($"period {period} needs a spectrum of at least {2 * period} bins, got {spectrum.Count}");
        double mean = spectrum.Average();
        var second = AmplitudeSpectrum(spectrum.Select(a => a - mean).ToArray());
        return second[(int)Math.Round((double)spectrum.Count / period)] / spectrum.Count;
    }

    /// <summary>The smallest difference between two of the frequencies: the claimed period of the attention-score spectrum.</summary>
    public static int SmallestDifference(IReadOnlyList<int> frequencies)
    {
        if (frequencies.Count < 2) throw new ArgumentException("need at least two frequencies");
        var sorted = frequencies.OrderBy(f => f).ToArray();
        return Enumerable.Range(1, sorted.Length - 1).Min(i => sorted[i] - sorted[i - 1]);
    }
}
