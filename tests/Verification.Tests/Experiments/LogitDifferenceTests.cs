using Verification.Experiments;
using Verification.Lens;

namespace Verification.Tests.Experiments;

public class LogitDifferenceTests
{
    [Fact]
    public void Summarize_gives_mean_logit_diff_probabilities_and_standard_errors()
    {
        // Row 0: logits [0, ln 2, ln 3, 0]: softmax [1/7, 2/7, 3/7, 1/7]; correct 2, wrong 1: diff ln 1.5, P 3/7 and 2/7.
        // Row 1: logits [0, 0, 0, 0]: softmax 1/4 each; correct 0, wrong 3: diff 0, P 1/4 and 1/4.
        var logits = new[] { 0f, (float)Math.Log(2), (float)Math.Log(3), 0f, 0f, 0f, 0f, 0f };
        var s = LogitDifference.Summarize(logits, 4, new[] { 2, 0 }, new[] { 1, 3 });
        s.LogitDiff.Should().BeApproximately(Math.Log(1.5) / 2, 1e-6);
        s.LogitDiffSe.Should().BeApproximately(Math.Log(1.5) / 2, 1e-6); // two values a, 0: s.e. = |a| / 2
        s.PCorrect.Should().BeApproximately((3.0 / 7 + 0.25) / 2, 1e-6);
        s.PWrong.Should().BeApproximately((2.0 / 7 + 0.25) / 2, 1e-6);
        s.PWrongSe.Should().BeApproximately((2.0 / 7 - 0.25) / 2, 1e-6);
        s.Batch.Should().Be(2);
    }

    [Fact]
    public void Measure_reads_the_last_position_of_the_tiny_model()
    {
        // BOS 0 0 on the tiny model: last-position logits [1 + 2/3, 0, 0, 0]; token 0 over token 1: diff 5/3.
        var s = LogitDifference.Measure(TinyAttentionModel.Build(), Tokens.FromRows(new[] { new[] { 3, 0, 0 } }), new[] { 0 }, new[] { 1 });
        s.LogitDiff.Should().BeApproximately(5.0 / 3, 1e-5);
        double z = Math.Exp(5.0 / 3) + 3;
        s.PCorrect.Should().BeApproximately(Math.Exp(5.0 / 3) / z, 1e-5);
        s.PWrong.Should().BeApproximately(1 / z, 1e-5);
    }

    [Fact]
    public void Bad_answers_are_rejected()
    {
        FluentActions.Invoking(() => LogitDifference.PerSequence(new float[8], 4, new[] { 0, 4 }, new[] { 1, 1 }))
            .Should().Throw<ArgumentException>().WithMessage("*outside the vocabulary*");
        FluentActions.Invoking(() => LogitDifference.PerSequence(new float[8], 4, new[] { 0 }, new[] { 1 }))
            .Should().Throw<ArgumentException>().WithMessage("*batch of 2*");
    }
}
