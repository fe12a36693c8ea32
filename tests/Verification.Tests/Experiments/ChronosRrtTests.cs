using Verification.Claims.Specs;
using Verification.Experiments;
using Verification.Lens.T5;
using Verification.Loading.Config;
using Verification.Tensors;

namespace Verification.Tests.Experiments;

/// <summary>[003]'s RRT protocol on a T5, the induction score read off hand-made patterns, the multisine spectra, and K2's τ, each by hand.</summary>
public class ChronosRrtTests
{
    private static readonly T5Config Chronos = new() { VocabSize = 4096, DModel = 8, DKv = 2, NumHeads = 4, NumLayers = 1, NumDecoderLayers = 1, Chronos = new ChronosConfig { NTokens = 4096 } };
    private static readonly T5Config Plain = new() { VocabSize = 50, DModel = 8, DKv = 2, NumHeads = 4, NumLayers = 1, NumDecoderLayers = 1, DecoderStartTokenId = 0, EosTokenId = 1 };

    [Fact]
    public void Protocol_draws_from_the_documents_range_on_Chronos_and_from_the_models_own_ids_otherwise()
    {
        var p = ChronosRrtProtocol.For(Chronos, 10, 2, 4, 1);
        (p.Low, p.High).Should().Be((1910, 2187));
        ChronosRrtProtocol.For(Chronos, 10, 2, 4, 1, low: 1911).Low.Should().Be(1911);
        var plain = ChronosRrtProtocol.For(Plain, 10, 2, 4, 1);
        (plain.Low, plain.High).Should().Be((2, 49));
        plain.Range.Should().StartWith("ours");
        FluentActions.Invoking(() => ChronosRrtProtocol.For(Chronos, 1, 2, 4, 1)).Should().Throw<ArgumentException>().WithMessage("*length ≥ 2*");
    }

    [Fact]
    public void Batch_is_ABCDEFGHIJ_twice_then_A_then_EOS_with_the_decoder_given_start_then_B()
    {
        var p = ChronosRrtProtocol.For(Chronos, 10, 2, 3, 5);
        var batch = ChronosRrt.Generate(p);
        for (int b = 0; b < 3; b++)
        {
            var enc = batch.Encoder[b];
            enc.Should().HaveCount(22);
            enc[10..20].Should().Equal(enc[..10]);
            enc[20].Should().Be(enc[0]);
            enc[21].Should().Be(1);
            enc[..21].Should().OnlyContain(i => i >= 1910 && i <= 2187);
            batch.Decoder[b].Should().Equal(0, enc[1]);
            batch.DecoderSelf[b].Should().Equal(new[] { 0 }.Concat(enc[..21]));
        }
        ChronosRrt.Generate(p).Encoder[1].Should().Equal(batch.Encoder[1], "the draws are a pure function of the seed");
    }

    [Fact]
    public void Accumulator_reads_the_latest_occurrence_and_the_token_after_it_and_averages_over_the_batch()
    {
        // Two sequences, one head of 4: pattern [batch 2, head 4, q 3, k 3]. Query 2; its token last occurred at m = 0.
        var pattern = new Tensor(new float[2 * 4 * 3 * 3], 2, 4, 3, 3);
        void Set(int b, int h, int q, int k, float v) => pattern.Data[((b * 4 + h) * 3 + q) * 3 + k] = v;
        Set(0, 1, 2, 0, 0.2f); Set(0, 1, 2, 1, 0.7f);
        Set(1, 1, 2, 0, 0.4f); Set(1, 1, 2, 1, 0.1f);
        var acc = new ChronosRrt.Accumulator();
        acc.AddRow(T5AttentionKind.Encoder, 0, pattern, 0, 2, 0);
        acc.AddRow(T5AttentionKind.Encoder, 0, pattern, 1, 2, 0);
        var head1 = acc.Result().Single(s => s.Head == 1);
        head1.Current.Should().BeApproximately(0.3, 1e-7);   // (0.2 + 0.4) / 2
        head1.Next.Should().BeApproximately(0.4, 1e-7);      // (0.7 + 0.1) / 2
        head1.Score.Should().BeApproximately(0.4, 1e-7);
        head1.CurrentSe.Should().BeApproximately(0.1, 1e-7); // sample sd √0.02 = 0.1414, / √2
        head1.NextSe.Should().BeApproximately(0.3, 1e-7);
        head1.IsInduction.Should().BeTrue("0.4 ≥ 0.3");
        head1.Label.Should().Be("enc L0H1");
        acc.Result().Single(s => s.Head == 0).IsInduction.Should().BeFalse();
    }

    [Fact]
    public void Most_recent_occurrence_is_the_last_one_before_the_query()
    {
        ChronosRrt.MostRecentBefore(new[] { 7, 8, 7, 8, 7 }, 4, 7).Should().Be(2);
        ChronosRrt.MostRecentBefore(new[] { 7, 8, 7, 8, 7, 1 }, 5, 8).Should().Be(3);
        FluentActions.Invoking(() => ChronosRrt.MostRecentBefore(new[] { 7, 8 }, 1, 9)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Periodic_amplitude_by_hand_a_comb_a_spike_and_an_even_spread()
    {
        // Half the attention on position 0 and half on 10 of 20: |DFT| = |0.5 (1 + (-1)^k)| = 1 on even bins, 0 on odd.
        var comb = new double[20];
        comb[0] = comb[10] = 0.5;
        var s = ChronosSpectra.Of(T5AttentionKind.Encoder, 0, 0, comb, 2);
        s.Spectrum.Should().Equal(new[] { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1.0 }, (a, b) => Math.Abs(a - b) < 1e-12);
        s.Period.Should().Be(2);
        s.MeanAmplitude.Should().BeApproximately(0.5, 1e-12);
        // The mean-removed spectrum alternates ∓0.5: its DFT at index 10 / 2 = 5 is Σ ±0.5 (−1)^j = −5; per bin 0.5.
        s.PeriodicAmplitude.Should().BeApproximately(0.5, 1e-12);

        var spike = new double[20];
        spike[7] = 1;
        var flat = ChronosSpectra.Of(T5AttentionKind.Encoder, 0, 1, spike, 2);
        flat.MeanAmplitude.Should().BeApproximately(1, 1e-12, "one position: |DFT| = 1 everywhere, the largest mean amplitude");
        flat.PeriodicAmplitude.Should().BeApproximately(0, 1e-12, "and nothing periodic");
        var even = ChronosSpectra.Of(T5AttentionKind.Encoder, 0, 2, Enumerable.Repeat(0.05, 20).ToArray(), 2);
        even.MeanAmplitude.Should().BeApproximately(0, 1e-12);
        even.PeriodicAmplitude.Should().BeApproximately(0, 1e-12);
    }

    [Fact]
    public void A_comb_over_the_published_multisine_period_has_spectrum_period_five()
    {
        // 200 samples, the multisine repeats every 40: a quarter of the attention on each of 40, 80, 120, 160 gives
        // |DFT| = 1 on multiples of 5 and |0.25 Σ_{j=1..4} e^{-2πi kj/5}| = 0.25 elsewhere: period 5. Mean-removed, bins
        // 5, 10, ... hold 0.6 and the rest −0.15; the second DFT at 100 / 5 = 20 sums 0.75 over the 20 peaks: 15, per bin 0.15.
        var row = new double[200];
        for (int t = 40; t < 200; t += 40) row[t] = 0.25;
        var s = ChronosSpectra.Of(T5AttentionKind.Cross, 0, 0, row, 5);
        s.Spectrum.Where((_, i) => (i + 1) % 5 == 0).Should().OnlyContain(a => Math.Abs(a - 1) < 1e-9);
        s.Spectrum.Where((_, i) => (i + 1) % 5 != 0).Should().OnlyContain(a => Math.Abs(a - 0.25) < 1e-9);
        s.Period.Should().Be(5);
        s.PeriodicAmplitude.Should().BeApproximately(0.15, 1e-9);
    }

    [Fact]
    public void Multisine_input_is_tokenized_as_Chronos_with_the_query_before_EOS()
    {
        var input = ChronosSpectra.Input(Chronos, MultisineProtocol.Published());
        input.EncoderIds.Should().HaveCount(201);
        input.EncoderIds[^1].Should().Be(1);
        input.Query.Should().Be(199);
        input.EncoderIds[..40].Should().Equal(input.EncoderIds[40..80], "the series repeats every 200 / 5 samples");
        input.Tokenization.Should().StartWith("Chronos");
        var plain = ChronosSpectra.Input(Plain, MultisineProtocol.Published());
        plain.EncoderIds[..200].Should().OnlyContain(i => i >= 2 && i <= 49);
        plain.Tokenization.Should().StartWith("ours");
        MultisineProtocol.Published().Period.Should().Be(5);
    }

    [Fact]
    public void Pooled_tau_counts_concordant_minus_discordant_pairs_within_groups()
    {
        // Group 1: counts 3, 2, 1 over x 1, 2, 3 (three discordant pairs); group 2: 1, 1, 2 (one tie, two concordant).
        var tau = K2RepetitionSweep.PooledTau(new[]
        {
            new (double, double)[] { (1, 3), (2, 2), (3, 1) },
            new (double, double)[] { (1, 1), (2, 1), (3, 2) },
        });
        tau.Should().BeApproximately((-3 + 2) / 6.0, 1e-12);
        K2RepetitionSweep.PooledTau(new[] { new (double, double)[] { (1, 0), (2, 0) } }).Should().Be(0, "a flat count neither falls nor rises");
    }
}
