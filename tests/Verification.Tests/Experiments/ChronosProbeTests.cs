using Verification.Experiments;

namespace Verification.Tests.Experiments;

public class ChronosProbeTests
{
    [Fact]
    public void Induction_rule_takes_the_larger_of_the_last_occurrence_and_its_successor()
    {
        // Tokens 7 8 9 7 8 | 7: the query (position 5, token 7) last occurred at 3; the rule reads positions 3 and 4.
        int[] tokens = { 7, 8, 9, 7, 8, 7 };
        double[] attention = { 0.05, 0.05, 0.1, 0.1, 0.35, 0.35 };
        ChronosInduction.Score(attention, tokens, 5).Should().Be(0.35);
        ChronosInduction.IsInductionHead(attention, tokens, 5).Should().BeTrue();
        double[] weak = { 0.4, 0.2, 0.1, 0.1, 0.1, 0.1 }; // most attention on the first occurrence, not the latest
        ChronosInduction.IsInductionHead(weak, tokens, 5).Should().BeFalse();
        ChronosInduction.Score(attention, tokens, 2).Should().BeNull("token 9 has not occurred before");
    }

    [Fact]
    public void Repeated_tokens_stay_in_the_Chronos_value_range()
    {
        var ids = ChronosInduction.RepeatedTokens(new SeededRandom(3), 10, 2);
        ids.Should().HaveCount(22);
        ids[..20].Should().OnlyContain(i => i >= 1910 && i <= 2187);
        ids[10..20].Should().Equal(ids[..10]);
        ids[20].Should().Be(ids[0]);
        ids[21].Should().Be(1, "EOS closes the encoder input");
    }

    [Fact]
    public void Induction_query_is_the_final_repeated_token_not_EOS()
    {
        var ids = ChronosInduction.RepeatedTokens(new SeededRandom(3), 10, 2);
        int q = ChronosInduction.QueryOf(ids);
        q.Should().Be(20, "the token before EOS is the repeated first token");
        var attention = Enumerable.Repeat(0.0, ids.Length).ToArray();
        attention[11] = 1; // the token after the latest earlier copy (position 10)
        ChronosInduction.IsInductionHead(attention, ids, q).Should().BeTrue();
        ChronosInduction.Score(attention, ids, ids.Length - 1).Should().BeNull("EOS never occurred before: read literally, no head is found");
        FluentActions.Invoking(() => ChronosInduction.QueryOf(new[] { 1, 1 })).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Multisine_samples_and_spectrum_by_hand()
    {
        // 2 sin(2π t), t = 0, 1/4, 1/2, 3/4 → 0, 2, 0, −2; DFT bin 1 = 2(−i) − 2(i) = −4i → |4|, bins 0 and 2 vanish.
        var y = Multisine.Series(new[] { 1 }, new[] { 2.0 }, 4);
        y.Should().Equal(new[] { 0, 2, 0, -2.0 }, (a, b) => Math.Abs(a - b) < 1e-12);
        var amp = Multisine.AmplitudeSpectrum(y);
        amp.Should().Equal(new[] { 0, 4, 0.0 }, (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void Published_multisine_has_its_four_peaks_and_period_five()
    {
        var amp = Multisine.AmplitudeSpectrum(Multisine.Series(Multisine.PublishedFrequencies, Multisine.PublishedAmplitudes, 128));
        // A sine of amplitude a over N samples gives |DFT| = a·N/2 at its bin.
        amp[5].Should().BeApproximately(64, 1e-6);
        amp[10].Should().BeApproximately(32, 1e-6);
        amp[20].Should().BeApproximately(16, 1e-6);
        amp[40].Should().BeApproximately(16, 1e-6);
        amp.Where((_, k) => k is not (5 or 10 or 20 or 40)).Should().OnlyContain(a => a < 1e-6);
        Multisine.SmallestDifference(Multisine.PublishedFrequencies).Should().Be(5);
        // A spectrum with a peak every 5 bins (what the claim says the attention scores show) has period 5.
        var comb = Enumerable.Range(0, 64).Select(k => k % 5 == 0 ? 1.0 : 0.1).ToArray();
        Multisine.Period(comb, 12).Should().Be(5);
        Multisine.Period(Enumerable.Range(0, 64).Select(k => k % 3 == 0 ? 1.0 : 0.0).ToArray(), 12).Should().Be(3);
    }
}
