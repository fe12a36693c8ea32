using Verification.Lens;
using Verification.Lens.T5;
using Verification.Loading.Config;
using Verification.Loading.Tokenization;

namespace Verification.Experiments;

/// <summary>
/// K3's input [003]: a multisine sampled at t = n / <see cref="Samples"/> (so frequency k falls on DFT bin k), tokenized
/// as the model tokenizes series. The frequencies and amplitudes are the document's; the sample count is ours (the
/// document does not give its length): a multiple of the smallest difference keeps the series exactly periodic.
/// </summary>
public sealed record MultisineProtocol(IReadOnlyList<int> Frequencies, IReadOnlyList<double> Amplitudes, int Samples)
{
    public static MultisineProtocol Published(int samples = 200) => new(Multisine.PublishedFrequencies, Multisine.PublishedAmplitudes, samples);

    /// <summary>The period the claim predicts for the attention-score spectrum: the smallest frequency difference.</summary>
    public int Period => Multisine.SmallestDifference(Frequencies);

    public string Describe() =>
        $"multisine Σ a·sin(2π k t), k = {string.Join(", ", Frequencies)}, a = {string.Join(", ", Amplitudes)}, {Samples} samples over t ∈ [0, 1)";
}

/// <summary>The multisine as the model sees it: encoder ids (values, then EOS), the query position, how it was tokenized.</summary>
public sealed record MultisineInput(double[] Series, int[] EncoderIds, int Query, string Tokenization)
{
    /// <summary>|DFT| of the series itself, bins 1..N/2.</summary>
    public double[] DataSpectrum => Multisine.AmplitudeSpectrum(Series)[1..];
}

/// <summary>
/// One head's attention row on the multisine and its spectrum: <see cref="Spectrum"/> is |DFT| of the row, bins 1..N/2
/// (the DC bin is the row's sum, 1 for every head, and is dropped); <see cref="Period"/> its period (autocorrelation);
/// <see cref="MeanAmplitude"/> its mean; <see cref="PeriodicAmplitude"/> the amplitude of its periodic part, read off the
/// document's second FFT (see <see cref="Multisine.PeriodicAmplitude"/>).
/// </summary>
public sealed record HeadSpectrum(T5AttentionKind Kind, int Layer, int Head, double[] Row, double[] Spectrum, int Period, double MeanAmplitude, double PeriodicAmplitude)
{
    public string Label => $"{ChronosHeadScore.KindName(Kind)} L{Layer}H{Head}";
}

/// <summary>
/// Runs the multisine through a T5 and takes every head's attention row over the context: encoder self-attention from
/// the last value token (before EOS), cross-attention from the decoder's start token (the document's own code reads
/// this one), each over the value positions (EOS excluded). Decoder self-attention has one position here and no row.
/// </summary>
public static class ChronosSpectra
{
    public static MultisineInput Input(T5Config config, MultisineProtocol p)
    {
        var series = Multisine.Series(p.Frequencies, p.Amplitudes, p.Samples);
        if (config.Chronos is { } chronos)
        {
            var t = new ChronosTokenizer(chronos).Encode(series);
            var kept = series[^(t.Ids.Length - (t.Ids[^1] == chronos.EosTokenId ? 1 : 0))..];
            return new MultisineInput(kept, t.Ids, ChronosInduction.QueryOf(t.Ids, chronos.EosTokenId),
                $"Chronos MeanScaleUniformBins (scale {t.Scale:G4}; ids {t.Ids[..^1].Min()}..{t.Ids[..^1].Max()})");
        }
        // Ours, for a T5 without chronos_config: the values binned uniformly over [min, max] into the ordinary ids.
        int first = new[] { config.PadTokenId, config.EosTokenId, config.DecoderStartTokenId }.Max() + 1, levels = config.VocabSize - first;
        if (levels < 2) throw new ArgumentException($"vocabulary of {config.VocabSize} has too few ordinary ids to bin a series");
        double lo = series.Min(), hi = series.Max();
        var ids = series.Select(v => first + (int)Math.Round((v - lo) / (hi - lo) * (levels - 1))).Append(config.EosTokenId).ToArray();
        return new MultisineInput(series, ids, ids.Length - 2, $"ours: values binned uniformly into ids {first}..{config.VocabSize - 1} (no chronos_config)");
    }

    public static IReadOnlyList<HeadSpectrum> Compute(HookedEncoderDecoder model, MultisineInput input, int period)
    {
        var c = model.Config;
        static bool Wanted(string n) => (n.StartsWith("encoder.", StringComparison.Ordinal) && n.EndsWith(".attn.hook_pattern", StringComparison.Ordinal))
                                        || n.EndsWith(".cross_attn.hook_pattern", StringComparison.Ordinal);
        var (_, cache) = model.RunWithCache(new EncoderDecoderInput(Tokens.Single(input.EncoderIds), Tokens.Single(new[] { c.DecoderStartTokenId })), Wanted);
        int n = input.Query + 1; // value positions 0..query
        var result = new List<HeadSpectrum>();
        void Rows(T5AttentionKind kind, int layers, Func<int, string> name, int query)
        {
            for (int l = 0; l < layers; l++)
            {
                var pattern = cache[name(l)];
                int heads = pattern.Shape[1], qn = pattern.Shape[2], kn = pattern.Shape[3];
                for (int h = 0; h < heads; h++)
                {
                    int row = (h * qn + query) * kn;
                    result.Add(Of(kind, l, h, Enumerable.Range(0, n).Select(k => (double)pattern.Data[row + k]).ToArray(), period));
                }
            }
        }
        Rows(T5AttentionKind.Encoder, c.NumLayers, l => T5HookNames.Pattern("encoder", l), input.Query);
        Rows(T5AttentionKind.Cross, c.NumDecoderLayers, l => T5HookNames.Pattern("decoder", l, cross: true), 0);
        return result;
    }

    /// <summary>A row's spectrum and what K3 reads off it; <paramref name="period"/> is where the periodic amplitude is read.</summary>
    public static HeadSpectrum Of(T5AttentionKind kind, int layer, int head, double[] row, int period)
    {
        var spectrum = Multisine.AmplitudeSpectrum(row)[1..];
        int maxLag = Math.Min(4 * period, spectrum.Length - 1);
        return new HeadSpectrum(kind, layer, head, row, spectrum, Multisine.Period(spectrum, maxLag), spectrum.Average(),
            Multisine.PeriodicAmplitude(spectrum, period));
    }
}
