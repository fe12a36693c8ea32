using Verification.Tensors.Ops;

namespace Verification.Tests.Tensors;

/// <summary>The vectorised float softmax and gelu_new against values worked out by hand or in double here.</summary>
public class RowOpsTests
{
    [Fact]
    public void Softmax_prefix_of_log_1_2_3_is_one_two_three_sixths_and_zeroes_the_rest()
    {
        var row = new[] { 0f, MathF.Log(2), MathF.Log(3), 5f, float.NegativeInfinity };
        RowOps.SoftmaxPrefix(row, 3);
        row[0].Should().BeApproximately(1f / 6, 1e-7f);
        row[1].Should().BeApproximately(2f / 6, 1e-7f);
        row[2].Should().BeApproximately(3f / 6, 1e-7f);
        row[3].Should().Be(0f);
        row[4].Should().Be(0f);
    }

    [Fact]
    public void Softmax_over_masked_minus_infinity_gives_them_zero_weight()
    {
        var row = new[] { 1f, float.NegativeInfinity, 1f, 1f };
        RowOps.SoftmaxPrefix(row, 4);
        row[1].Should().Be(0f);
        foreach (int i in new[] { 0, 2, 3 }) row[i].Should().BeApproximately(1f / 3, 1e-7f); // the float exp is within an ulp or so
    }

    [Fact]
    public void Gelu_new_matches_the_tanh_formula_in_double_over_every_chunk_and_a_ragged_tail()
    {
        // 2500 inputs: two full 1024-element chunks and a tail; values from -6 to 6.
        var x = Enumerable.Range(0, 2500).Select(i => -6f + 12f * i / 2499).ToArray();
        var y = new float[x.Length];
        RowOps.GeluNew(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double expected = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            ((double)y[i]).Should().BeApproximately(expected, 1e-6 + 1e-6 * Math.Abs(expected), $"gelu_new({v})");
        }
        y[Array.IndexOf(x, x.First(v => v >= 0))].Should().BeApproximately(0f, 1e-2f);
    }
}
