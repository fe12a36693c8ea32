using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>K3: on multisine input the FFT of attention scores is periodic with the smallest frequency difference; induction heads have the largest amplitudes.</summary>
public sealed class K3MultisineSpectrum : ChronosSpec
{
    public const int Samples = 200;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "K3",
        Title = "Multisine spectrum",
        Source = "[003] Chronos: induction heads in a time-series model",
        Statement = "On a multisine (frequencies 5, 10, 20, 40; amplitudes 1, .5, .25, .25) the FFT of the attention scores is periodic with period equal " +
                    "to the smallest frequency difference (5), and the induction heads have the largest FFT amplitudes.",
        PublishedModel = "chronos-t5-base",
        Published = new[]
        {
            new PublishedNumber("period of the attention-score spectrum", 5, "the smallest difference of the frequencies 5, 10, 20, 40"),
        },
        Rule = "The multisine (the document's frequencies and amplitudes; 200 samples over t ∈ [0, 1), so frequency k is DFT bin k: ours) is tokenized " +
               "as the model tokenizes series (Chronos's mean scaling). Each head's attention row over the values: encoder self-attention from the " +
               "last value (before EOS), cross-attention from the decoder's start token (what the document's code reads); its spectrum is |DFT| of " +
               "the row, bins 1..100. Period: the smallest autocorrelation peak of the spectrum (Multisine.Period). Amplitude: the document's " +
               "second FFT (of the mean-removed spectrum) at the quefrency of period 5, per bin (ours: a head that attends to one position has a " +
               "flat spectrum with the largest mean amplitude and nothing periodic, so the mean amplitude, also reported, cannot say which heads " +
               "pick up the periodicity). Induction heads are K1's (ids 1910-2187). Holds when every induction head's spectrum has period 5 (the " +
               "document's), the head with the largest periodic amplitude is an induction head (the document's \"induction heads have the " +
               "largest amplitudes\"), and the induction heads' mean periodic amplitude is above the other heads' (ours). The period check is " +
               "weak on its own: every frequency is a multiple of 5, so any head whose attention follows the input's tokens has a spectrum of " +
               "period 5; the amplitude checks are what single out the induction heads.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.EncoderDecoder;
        var probe = MultisineProtocol.Published(Samples);
        int period = probe.Period;
        var input = ChronosSpectra.Input(model.Config, probe);
        var spectra = ChronosSpectra.Compute(model, input, period);
        var k1 = ChronosRuns.K1Scores(model, context);
        var inductionKeys = k1.Where(s => s.IsInduction && s.Kind != T5AttentionKind.Decoder).Select(s => (s.Kind, s.Layer, s.Head)).ToHashSet();
        bool IsInduction(HeadSpectrum h) => inductionKeys.Contains((h.Kind, h.Layer, h.Head));
        var induction = spectra.Where(IsInduction).ToList();
        var others = spectra.Where(h => !IsInduction(h)).ToList();
        var top = spectra.MaxBy(h => h.PeriodicAmplitude)!;

        var wrongPeriod = induction.Where(h => h.Period != period).ToList();
        double meanInduction = induction.Count > 0 ? induction.Average(h => h.PeriodicAmplitude) : double.NaN;
        double meanOthers = others.Count > 0 ? others.Average(h => h.PeriodicAmplitude) : 0;
        string none = "no induction heads (K1) to examine";
        var checks = new List<ClaimCheck>
        {
            new($"every induction head's spectrum has period {period}", induction.Count > 0 && wrongPeriod.Count == 0,
                induction.Count == 0 ? none : wrongPeriod.Count == 0 ? $"all {induction.Count} have period {period}"
                    : string.Join(", ", wrongPeriod.Take(6).Select(h => $"{h.Label} {h.Period}")),
                $"period {period} (the smallest frequency difference)", CheckOwner.Document),
            new("the largest periodic amplitude is an induction head's", induction.Count > 0 && IsInduction(top),
                $"{top.Label} {top.PeriodicAmplitude:F4} ({(IsInduction(top) ? "an induction head" : induction.Count == 0 ? none : "not an induction head")})",
                "an induction head (K1) [claim: document; amplitude measure: ours]", CheckOwner.Document),
            new("induction heads' periodic amplitude above the other heads'", induction.Count > 0 && meanInduction > meanOthers,
                induction.Count == 0 ? none : $"induction {meanInduction:F4} (mean of {induction.Count}), others {meanOthers:F4} (mean of {others.Count})",
                "induction mean > others' mean", CheckOwner.Ours),
        };
        var verdict = ClaimOutcome.Judge(checks);
        var ranked = spectra.OrderByDescending(h => h.PeriodicAmplitude).ToList();
        string reason = (verdict == Verdict.Holds
            ? $"{induction.Count} induction head(s), all with period {period}; the largest periodic amplitudes: " +
              string.Join(", ", ranked.Take(4).Select(h => $"{h.Label} {h.PeriodicAmplitude:F3}{(IsInduction(h) ? " (induction)" : "")}"))
            : ClaimOutcome.FailedText(checks)) +
            $". Largest mean amplitude: {spectra.MaxBy(h => h.MeanAmplitude)!.Label} {spectra.Max(h => h.MeanAmplitude):F3}";

        var measured = new List<MeasuredNumber>
        {
            new("induction heads examined (count)", induction.Count, 0),
            new("induction heads' mean periodic amplitude", induction.Count > 0 ? meanInduction : 0, 1e-5),
            new("other heads' mean periodic amplitude", meanOthers, 1e-5),
        };
        foreach (var h in spectra)
        {
            measured.Add(new MeasuredNumber($"{h.Label} period", h.Period, 0));
            measured.Add(new MeasuredNumber($"{h.Label} periodic amplitude", h.PeriodicAmplitude, 1e-5));
            measured.Add(new MeasuredNumber($"{h.Label} mean amplitude", h.MeanAmplitude, 1e-5));
        }

        var shown = ranked.Take(3).Concat(others.OrderByDescending(h => h.PeriodicAmplitude).Take(1)).Distinct().ToList();
        var bins = Enumerable.Range(1, input.DataSpectrum.Length).Select(k => k.ToString()).ToArray();
        double dataScale = input.DataSpectrum.Max();
        var series = new List<(string, double[])> { ("the multisine itself (÷ its peak)", input.DataSpectrum.Select(a => a / dataScale).ToArray()) };
        series.AddRange(shown.Select(h => ($"{h.Label}{(IsInduction(h) ? " (induction)" : "")}", h.Spectrum)));
        var figures = new List<Figure>
        {
            new LineChartFigure($"Spectra of the attention scores on the multisine ({target.Name})",
                $"|DFT| of each head's attention row over the {input.Query + 1} values, by frequency (bin = Hz); the largest periodic amplitudes and the top non-induction head",
                bins, series, "|DFT|", "frequency"),
            new BarChartFigure($"Periodic amplitude by head ({target.Name})", $"the second FFT at the period {period}; the 12 largest",
                ranked.Take(12).Select(h => h.Label + (IsInduction(h) ? " *" : "")).ToArray(), ranked.Take(12).Select(h => h.PeriodicAmplitude).ToArray(),
                "periodic amplitude", "head (* = K1 induction head)"),
        };
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = reason,
            Checks = checks,
            Protocol = $"{probe.Describe()}; tokenized by {input.Tokenization}; one forward, decoder <start>; rows: encoder from the last value, " +
                       $"cross-attention from the decoder start; induction heads from K1 ({ChronosRuns.K1(model, context).Describe()})",
            Measured = measured,
            Figures = figures,
        };
    }
}
