using Verification.Experiments;
using Verification.Lens;

namespace Verification.Tests.Experiments;

public class InductionStrengthTests
{
    private static readonly HookedTransformer Hand = HandInductionModel.Build();

    [Theory]
    [InlineData(0.25, -1.0986122886681098)]  // log(0.25 / 0.75) = −log 3
    [InlineData(0.5, 0.0)]
    [InlineData(0.9, 2.1972245773362196)]    // log 9
    public void Log_odds_are_log_p_over_one_minus_p(double p, double expected) =>
        InductionStrength.LogOdds(Math.Log(p)).Should().BeApproximately(expected, 1e-12);

    [Fact]
    public void Log_odds_stay_accurate_when_p_is_almost_one()
    {
        // p = e^(−1e−8): 1 − p = 1e−8 − 5e−17 …, so log-odds = −1e−8 − log(1e−8 − 5e−17) = 18.420680738952…
        InductionStrength.LogOdds(-1e-8).Should().BeApproximately(-1e-8 - Math.Log(1e-8 - 5e-17), 1e-9);
        FluentActions.Invoking(() => InductionStrength.LogOdds(0.1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Sequences_are_bos_filler_A_B_filler_A_and_the_shuffle_keeps_bos_and_the_last_token()
    {
        var p = new InductionSequenceProtocol(Batch: 20, Filler: 10, Seed: 5, Bos: 9, Vocab: 10);
        p.Length.Should().Be(24);
        var batch = InductionSequences.Generate(p);
        for (int s = 0; s < 20; s++)
        {
            var row = batch.Induction.Row(s).ToArray();
            var shuffled = batch.Shuffled.Row(s).ToArray();
            row[0].Should().Be(9);
            row.Skip(1).Should().NotContain(9, "random tokens never draw BOS");
            row[11].Should().Be(batch.A[s]);
            row[12].Should().Be(batch.B[s]);
            row[23].Should().Be(batch.A[s]);
            shuffled[0].Should().Be(9);
            shuffled[23].Should().Be(batch.A[s]);
            shuffled.Skip(1).Take(22).OrderBy(x => x).Should().Equal(row.Skip(1).Take(22).OrderBy(x => x), "the shuffle permutes positions 1..22");
        }
        Enumerable.Range(0, 20).Count(s => !batch.Shuffled.Row(s).SequenceEqual(batch.Induction.Row(s))).Should().BeGreaterThan(15);
        InductionSequences.Generate(p).Induction.Ids.Should().Equal(batch.Induction.Ids, "the same seed gives the same sequences");
    }

    [Fact]
    public void Fixed_A_and_B_are_used_and_bad_ones_are_rejected()
    {
        var p = new InductionSequenceProtocol(3, 4, 1, 9, 10);
        var batch = InductionSequences.Generate(p, fixedA: new[] { 1, 2, 3 }, fixedB: new[] { 4, 4, 4 });
        batch.A.Should().Equal(1, 2, 3);
        batch.B.Should().Equal(4, 4, 4);
        batch.Induction[1, p.APosition].Should().Be(2);
        batch.Induction[1, p.Length - 1].Should().Be(2);
        FluentActions.Invoking(() => InductionSequences.Generate(p, fixedA: new[] { 1, 9, 3 })).Should().Throw<ArgumentException>().WithMessage("*BOS*");
        FluentActions.Invoking(() => InductionSequences.Generate(p, fixedB: new[] { 1 })).Should().Throw<ArgumentException>().WithMessage("*1 fixed B tokens for a batch of 3*");
    }

    [Fact]
    public void Last_position_log_odds_match_the_hand_wired_induction_circuit()
    {
        // Induction: the last 5's query finds one key whose previous token is 5 (position 5, token 6): logit(6) = 10, the rest 0.
        // Shuffled: the key after the earlier 5 is position 4 (token 3): logit(3) = 10, logit(6) = 0.
        var tokens = Tokens.FromRows(new[]
        {
            new[] { 31, 1, 2, 3, 5, 6, 7, 8, 9, 5 },
            new[] { 31, 6, 2, 5, 3, 1, 8, 7, 9, 5 },
        });
        var odds = InductionStrength.LastPositionLogOdds(Hand, tokens, new[] { new[] { 6, 3 }, new[] { 6, 3 } });
        double top = 10 - Math.Log(31);                   // log(e^10 / (e^10 + 31 − 1)) − log(31 / (e^10 + 30)) = 10 − log 31
        double other = -Math.Log(Math.Exp(10) + 30);       // a logit-0 token beside one logit-10 token
        odds[0][0].Should().BeApproximately(top, 1e-3);
        odds[0][1].Should().BeApproximately(other, 1e-3);
        odds[1][0].Should().BeApproximately(other, 1e-3);
        odds[1][1].Should().BeApproximately(top, 1e-3);
    }

    [Fact]
    public void Induction_strength_is_large_on_the_hand_wired_circuit()
    {
        var p = InductionSequenceProtocol.For(Hand, 64, 3);
        var strengths = InductionStrength.ForB(Hand, InductionSequences.Generate(p), chunk: 16);
        // One clean match gives 10 − log 31 before and about −10 after shuffling; extra matches on repeated filler lower it.
        strengths.Average().Should().BeGreaterThan(8);
        strengths.Max().Should().BeApproximately(10 - Math.Log(31) + Math.Log(Math.Exp(10) + 30), 0.05);
    }
}
