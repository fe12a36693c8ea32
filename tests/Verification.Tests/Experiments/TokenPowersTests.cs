using Verification.Experiments;

namespace Verification.Tests.Experiments;

public class TokenPowersTests
{
    [Fact]
    public void Spread_compares_the_std_of_token_means_with_their_rms_standard_error()
    {
        // Means 1 and 3: sample std √2; standard errors 1 and √7 → rms √((1 + 7)/2) = 2.
        var s = TokenPowers.Spread(new[] { new TokenPower(0, 1, 1, 4), new TokenPower(1, 3, Math.Sqrt(7), 4) });
        s.Mean.Should().Be(2);
        s.StdAcrossTokens.Should().BeApproximately(Math.Sqrt(2), 1e-12);
        s.RmsStandardError.Should().BeApproximately(2, 1e-12);
        s.Ratio.Should().BeApproximately(Math.Sqrt(2) / 2, 1e-12);
    }

    [Fact]
    public void Token_samples_are_distinct_sorted_and_never_bos()
    {
        var s = TokenPowers.SampleTokens(50, 100, 7, 11);
        s.Should().HaveCount(50).And.OnlyHaveUniqueItems().And.BeInAscendingOrder().And.NotContain(7);
        s.Should().OnlyContain(t => t >= 0 && t < 100);
        TokenPowers.SampleTokens(500, 100, 7, 11).Should().HaveCount(99, "all of the first 100 ids but BOS");
    }

    [Fact]
    public void Powers_on_the_hand_circuit_are_positive_and_a_tokens_power_does_not_depend_on_the_sample()
    {
        var model = HandInductionModel.Build();
        var both = TokenPowers.Measure(model, new[] { 3, 7 }, TokenPowers.Role.A, 8, 99);
        var alone = TokenPowers.Measure(model, new[] { 7 }, TokenPowers.Role.A, 8, 99);
        both.Should().HaveCount(2);
        both[1].Token.Should().Be(7);
        alone[0].Mean.Should().Be(both[1].Mean);
        both.Should().OnlyContain(p => p.Mean > 5 && p.Sequences == 8);
        TokenPowers.Measure(model, new[] { 3 }, TokenPowers.Role.B, 8, 99)[0].Mean.Should().BeGreaterThan(5);
    }
}
