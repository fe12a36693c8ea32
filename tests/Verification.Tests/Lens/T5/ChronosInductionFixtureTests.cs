using Verification.Lens;
using Verification.Lens.T5;
using Verification.Loading.Safetensors;

namespace Verification.Tests.Lens.T5;

/// <summary>
/// fixtures/chronos-t5-induction (trained by tools/fixtures/train_chronos_induction.py) has what it was trained for, seen
/// through the engine: on 16 of the training script's K1 probes (10 ids uniform in 1910..2187, twice, the first id
/// again, EOS), an encoder head whose final repeated token attends to the most recent earlier occurrence of itself, or
/// to the token after it, with a mean score of at least [003]'s 0.3; and the engine's per-head scores equal the float64
/// reference's.
/// </summary>
public class ChronosInductionFixtureTests
{
    private const string Name = "chronos-t5-induction";

    [Fact]
    public void The_encoder_has_an_induction_head_by_K1s_rule_and_its_scores_match_the_float64_reference()
    {
        var (model, reference, path) = T5ParityTests.Load(Name);
        var probes = T5ParityTests.Ids(path, "k1.encoder_tokens");
        int n = probes.Batch, length = probes.Length, query = length - 2;
        Assert.Equal(model.Config.EosTokenId, probes.Ids[length - 1]);
        var decoder = new Tokens(new int[n], n, 1); // the decoder start token alone
        var (_, cache) = model.RunWithCache(new EncoderDecoderInput(probes, decoder),
            name => name.StartsWith("encoder.", StringComparison.Ordinal) && name.EndsWith("attn.hook_pattern", StringComparison.Ordinal));

        var expected = reference["k1.scores"];
        int layers = model.Config.NumLayers, heads = model.Config.NumHeads;
        Assert.Equal(new[] { layers, heads }, expected.Shape);
        double best = 0;
        for (int l = 0; l < layers; l++)
        {
            var pattern = cache[$"encoder.{l}.attn.hook_pattern"];
            for (int h = 0; h < heads; h++)
            {
                double sum = 0;
                for (int b = 0; b < n; b++)
                {
                    int at = b * length;
                    int m = query - 1;
                    while (probes.Ids[at + m] != probes.Ids[at + query]) m--; // the most recent earlier occurrence
                    sum += Math.Max(pattern[b, h, query, m], pattern[b, h, query, m + 1]);
                }
                double score = sum / n;
                Assert.True(Math.Abs(score - expected[l, h]) < 1e-5, $"encoder.{l}.h{h}: engine {score}, reference {expected[l, h]}");
                best = Math.Max(best, score);
            }
        }
        Assert.True(best >= 0.3, $"no encoder head reaches K1's 0.3 (best {best:F3})");
    }
}
