using System.Text.Json;
using Verification.Experiments;
using Verification.Lens;

namespace Verification.Tests.Lens;

/// <summary>
/// fixtures/attn-only-2l-induction, trained by tools/fixtures/train_induction.py: the phenomena the claims test exist in
/// it, and the engine's head scores agree with the training script's PyTorch probe on the same tokens.
/// </summary>
public sealed class InductionFixtureTests
{
    private const string Name = "attn-only-2l-induction";
    private static HookedTransformer Model => FixtureModels.Processed(Name);

    // The probe: BOS + 25 ids from torch.randint(0, 4095, (64, 25)) after torch.manual_seed(1234), twice.
    private static Tokens ProbeTokens() => RepeatedRandomTokens.Generate(RepeatedRandomTokens.DefaultFor(Model, batch: 64, length: 25, seed: 1234));

    [Fact]
    public void Heads_agree_with_the_training_scripts_probe()
    {
        using var curve = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture(Name, "training-curve.json")));
        var last = curve.RootElement.EnumerateArray().Last();
        var scores = HeadScores.Compute(Model, ProbeTokens(), 25);
        foreach (var (key, pick) in new (string, Func<HeadScore, double>)[] { ("induction", s => s.Induction), ("previous_token", s => s.PreviousToken) })
        {
            var layers = last.GetProperty(key).EnumerateArray().Select(l => l.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            foreach (var s in scores)
                pick(s).Should().BeApproximately(layers[s.Layer][s.Head], 0.02, $"L{s.Layer}H{s.Head} {key} against the PyTorch probe at step {last.GetProperty("step")}");
        }
    }

    [Fact]
    public void It_has_an_induction_head_and_a_previous_token_head()
    {
        var scores = HeadScores.Compute(Model, ProbeTokens(), 25);
        scores.Where(s => s.Layer == 1).Max(s => s.Induction).Should().BeGreaterThanOrEqualTo(0.5);
        scores.Where(s => s.Layer == 0).Max(s => s.PreviousToken).Should().BeGreaterThanOrEqualTo(0.5);
    }

    [Fact]
    public void The_second_copy_of_repeated_random_tokens_costs_under_half_the_first()
    {
        var tokens = ProbeTokens();
        var logProbs = HookedTransformer.LogSoftmax(Model.Forward(tokens));
        int t = tokens.Length, v = Model.Config.DVocab;
        double first = 0, second = 0;
        for (int b = 0; b < tokens.Batch; b++)
            for (int p = 0; p < t - 1; p++) // position p predicts token p+1: 0..24 predict the first copy, 25..49 the second
            {
                double nll = -logProbs.Data[(b * t + p) * v + tokens[b, p + 1]];
                if (p < 25) first += nll; else second += nll;
            }
        (second / first).Should().BeLessThan(0.5, $"mean loss {first / (25.0 * tokens.Batch):F2} on the first copy, {second / (25.0 * tokens.Batch):F2} on the second");
    }

    [Fact]
    public void Its_heads_attend_to_BOS_on_natural_text()
    {
        var text = File.ReadAllText(RepoPaths.Fixture("corpus", "eval-english.txt"));
        var bos = AttentionSink.MeanAttentionToFirstPosition(Model, AttentionSink.NaturalTextWindows(Model, text, windows: 16, windowTokens: 128, stride: 512));
        // A head attending uniformly over keys 0..q would give BOS the mean of 1/(q+1) over queries 1..127 (about 0.04).
        double uniform = Enumerable.Range(1, 127).Average(q => 1.0 / (q + 1));
        double best = Enumerable.Range(0, Model.Config.NHeads).Max(h => bos[1, h]);
        best.Should().BeGreaterThan(3 * uniform, $"some layer-1 head attends to BOS on text with no repeats far more than a uniform head ({uniform:F3}) would");
    }
}
