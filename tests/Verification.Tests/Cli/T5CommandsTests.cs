using System.Text.Json;

namespace Verification.Tests.Cli;

/// <summary>`inspect`, `heads` and `predict` on T5 models: the hand-set Chronos ground truth, whose heads are known.</summary>
public class T5CommandsTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("verification-t5-cli-").FullName;
    private static string GroundTruth => RepoPaths.Fixture("ground-truth", "chronos-t5-circuits");

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public void Inspect_describes_both_stacks_the_Chronos_tokenizer_and_counts_every_weight_once()
    {
        var r = CliRunner.Run("inspect", "--model", GroundTruth);
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Should().Contain("T5 encoder-decoder: 2 encoder + 1 decoder layers, d_model 64, 8 heads of 32")
            .And.Contain("with chronos_config").And.Contain("MeanScaleUniformBins (4096 tokens")
            // 4096·64 shared + 2 encoder blocks (2·64 norms + 4·256·64 attention + 2·8·64 MLP) + 2·32·8 bias tables
            // + 1 decoder block (3·64 + 8·256·64 + 2·8·64) + 2·64 final norms; the tied lm_head is the shared embedding.
            .And.Contain("528,448");
    }

    [Fact]
    public void Heads_on_a_T5_follows_K1s_protocol_over_all_three_attentions_and_finds_the_built_in_heads()
    {
        var json = Path.Combine(_tmp, "heads.json");
        var r = CliRunner.Run("heads", "--model", GroundTruth, "--batch", "16", "--json", json);
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Should().Contain("1910..2187").And.Contain("Induction heads (score ≥ 0.3");
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var protocol = doc.RootElement.GetProperty("protocol");
        protocol.GetProperty("length").GetInt32().Should().Be(10);
        protocol.GetProperty("repetitions").GetInt32().Should().Be(2);
        var heads = doc.RootElement.GetProperty("heads").EnumerateArray().ToList();
        heads.Select(h => h.GetProperty("attention").GetString()).Distinct().Should().BeEquivalentTo("enc", "cross", "dec");
        heads.Should().HaveCount(2 * 8 + 8 + 8);
        heads.Where(h => h.GetProperty("induction").GetBoolean()).Select(h => $"{h.GetProperty("attention").GetString()} L{h.GetProperty("layer")}H{h.GetProperty("head")}")
            .Should().BeEquivalentTo("enc L1H1", "enc L1H2", "enc L1H3", "enc L1H4", "enc L1H5", "enc L1H6");
    }

    [Fact]
    public void Heads_rejects_repetitions_on_a_decoder_only_model_and_a_segment_of_one_on_a_T5()
    {
        CliRunner.Run("heads", "--model", RepoPaths.Fixture("gpt2-mini"), "--repetitions", "3").ExitCode.Should().Be(2);
        var r = CliRunner.Run("heads", "--model", GroundTruth, "--length", "1");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("at least 2");
    }

    [Fact]
    public void Predict_on_a_Chronos_series_gives_the_first_decoder_tokens_with_their_values()
    {
        var json = Path.Combine(_tmp, "predict.json");
        var r = CliRunner.Run("predict", "--model", GroundTruth, "--series", "1,2,3,2,1,2,3,2", "--top", "3", "--json", json);
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Should().Contain("value").And.Contain("scale 2");
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        doc.RootElement.GetProperty("scale").GetDouble().Should().Be(2);
        doc.RootElement.GetProperty("decoder_tokens").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(0);
        var top = doc.RootElement.GetProperty("top").EnumerateArray().ToList();
        top.Should().HaveCount(3);
        top.Select(t => t.GetProperty("prob").GetDouble()).Should().BeInDescendingOrder();
        // A Chronos id's value is its bin centre times the scale: id 2 + 1 + k → (−15 + 30 k / 4092) · 2.
        foreach (var t in top)
        {
            int id = t.GetProperty("token").GetInt32();
            double expected = (-15.0 + 30.0 * Math.Clamp(id - 3, 0, 4092) / 4092) * 2;
            t.GetProperty("value").GetDouble().Should().BeApproximately(expected, 1e-4, $"token {id}");
        }
    }

    [Fact]
    public void Predict_series_on_a_decoder_only_model_is_bad_input()
    {
        var r = CliRunner.Run("predict", "--model", RepoPaths.Fixture("gpt2-mini"), "--series", "1,2");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("Chronos");
    }
}
