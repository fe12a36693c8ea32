using Verification.Claims.Framework;

namespace Verification.Claims.Specs;

/// <summary>K3: on multisine input the FFT of attention scores is periodic with the smallest frequency difference; induction heads have the largest amplitudes.</summary>
public sealed class K3MultisineSpectrum : ChronosSpec
{
    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "K3",
        Title = "Multisine spectrum",
        Source = "[003] Chronos: induction heads in a time-series model",
        Statement = "On a multisine (frequencies 5, 10, 20, 40; amplitudes 1, .5, .25, .25) the FFT of the attention scores is periodic with period equal " +
                    "to the smallest frequency difference (5), and the induction heads have the largest FFT amplitudes.",
        PublishedModel = "chronos-t5-base",
        Rule = "Multisine.Period of each head's score spectrum equals Multisine.SmallestDifference(frequencies) = 5, and the heads with the largest " +
               "mean spectrum amplitude are K1's induction heads.",
    };

    protected override string WouldMeasure => "the spectra of the attention scores on the multisine 5/10/20/40 Hz series";
}
