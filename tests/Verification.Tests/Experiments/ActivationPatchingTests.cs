using Verification.Experiments;
using Verification.Lens;

namespace Verification.Tests.Experiments;

/// <summary>Patching on the tiny uniform-attention model, where every number is worked out by hand below.</summary>
public class ActivationPatchingTests
{
    // Clean BOS 0 0 (answer 0), corrupted BOS 1 1 (answer 1). At the last position the residual is the token's one-hot plus
    // head 0's mean of dim 0 over the 3 keys (×1 into dim 0) and head 1's mean of dim 1 (×2 into dim 1):
    //   clean:     logits[0] = 1 + 2/3, logits[1] = 0            → diff (0 − 1) = 5/3
    //   corrupted: logits[0] = 0,       logits[1] = 1 + 2·2/3    → diff = −7/3
    //   head 0 patched (its clean z: 2/3): logits [2/3, 7/3]      → −5/3 → (−5/3 + 7/3) / (5/3 + 7/3) = 1/6
    //   head 1 patched (its clean z: 0):   logits [0, 1]          → −1   → (−1 + 7/3) / 4 = 1/3
    //   resid_pre at position 2 patched (token 0 there):  [1 + 1/3, 2/3] → 2/3 → 3/4
    //   resid_pre at position 1 patched:                  [1/3, 1 + 2/3] → −4/3 → 1/4;  position 0 (BOS in both) → 0
    private static readonly PatchingTask Task = new(
        Tokens.FromRows(new[] { new[] { 3, 0, 0 } }), Tokens.FromRows(new[] { new[] { 3, 1, 1 } }), new[] { 0 }, new[] { 1 });

    [Fact]
    public void Head_patching_is_normalised_between_corrupted_and_clean()
    {
        var maps = ActivationPatching.Run(TinyAttentionModel.Build(), Task);
        maps.CleanLogitDiff.Should().BeApproximately(5.0 / 3, 1e-5);
        maps.CorruptedLogitDiff.Should().BeApproximately(-7.0 / 3, 1e-5);
        maps.Heads[0, 0].Should().BeApproximately(1.0 / 6, 1e-5);
        maps.Heads[0, 1].Should().BeApproximately(1.0 / 3, 1e-5);
        maps.TopHead().Should().Be(new HeadRef(0, 1));
        maps.Positions.Should().BeNull();
    }

    [Fact]
    public void Position_patching_of_the_residual_stream()
    {
        var maps = ActivationPatching.Run(TinyAttentionModel.Build(), Task, heads: false, positions: true);
        maps.Positions![0, 0].Should().BeApproximately(0, 1e-6);
        maps.Positions[0, 1].Should().BeApproximately(0.25, 1e-5);
        maps.Positions[0, 2].Should().BeApproximately(0.75, 1e-5);
    }

    [Fact]
    public void Batch_averages_the_logit_diff_before_normalising()
    {
        // Twice the same pair: the mean diffs, hence the maps, equal the single pair's.
        var two = new PatchingTask(Tokens.FromRows(new[] { new[] { 3, 0, 0 }, new[] { 3, 0, 0 } }),
            Tokens.FromRows(new[] { new[] { 3, 1, 1 }, new[] { 3, 1, 1 } }), new[] { 0, 0 }, new[] { 1, 1 });
        ActivationPatching.Run(TinyAttentionModel.Build(), two).Heads[0, 0].Should().BeApproximately(1.0 / 6, 1e-5);
    }

    [Fact]
    public void Mismatched_batches_are_rejected()
    {
        var bad = Task with { Wrong = new[] { 1, 1 } };
        FluentActions.Invoking(() => ActivationPatching.Run(TinyAttentionModel.Build(), bad)).Should().Throw<ArgumentException>().WithMessage("*answers*");
    }
}
