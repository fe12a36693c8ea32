using System.Text.Json;
using System.Text.Json.Nodes;
using Verification.Loading.Safetensors;

namespace Verification.Tests.Cli;

/// <summary>
/// `cache` on a T5 agrees with the independent float64 reference (logits 1e-4, every pattern 1e-5) and on a decoder-only
/// model honours --names; `tokenize --series` on a Chronos config gives torch's ids and the scale; bad input exits 2.
/// </summary>
public class TokenizeAndCacheCommandTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("verification-cache-test-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static string Ids(string path, string name) => string.Join(",", SafetensorsReader.ReadInt64(path, name).Data);

    [Theory]
    [InlineData("t5-tiny-relu")]
    [InlineData("t5-tiny-gated")]
    public void Cache_on_a_T5_matches_the_float64_reference(string name)
    {
        var reference = RepoPaths.Fixture(name, "reference.safetensors");
        var outPath = Path.Combine(_tmp, name + ".safetensors");
        var r = CliRunner.Run("cache", "--model", RepoPaths.Fixture(name), "--tokens", Ids(reference, "encoder_tokens"),
            "--decoder-tokens", Ids(reference, "decoder_tokens"), "--out", outPath);
        Assert.True(r.ExitCode == 0, r.Error);
        var got = SafetensorsReader.Read(outPath);
        var want = SafetensorsReader.Read(reference);
        var keys = want.Keys.Where(k => k == "logits" || k.EndsWith("hook_pattern", StringComparison.Ordinal)).ToList();
        Assert.Contains(keys, k => k.Contains("cross_attn"));
        foreach (var k in keys)
        {
            Assert.Equal(want[k].Shape, got[k].Shape);
            double tol = k == "logits" ? 1e-4 : 1e-5, max = 0;
            for (int i = 0; i < want[k].Length; i++) max = Math.Max(max, Math.Abs(want[k].Data[i] - got[k].Data[i]));
            Assert.True(max < tol, $"{k} differs by {max}");
        }
    }

    [Fact]
    public void Cache_on_a_decoder_only_model_writes_only_the_names_asked_for()
    {
        var outPath = Path.Combine(_tmp, "mini.safetensors");
        var r = CliRunner.Run("cache", "--model", RepoPaths.Fixture("attn-only-2l-mini"), "--tokens", "1,2,3,4,5", "--names", @"hook_pattern$", "--out", outPath);
        Assert.True(r.ExitCode == 0, r.Error);
        var got = SafetensorsReader.Read(outPath);
        Assert.Equal(new[] { "blocks.0.attn.hook_pattern", "blocks.1.attn.hook_pattern", "logits" }, got.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(4, got["blocks.0.attn.hook_pattern"].Rank);
        Assert.Equal(1, got["blocks.0.attn.hook_pattern"].Shape[0]);
        Assert.Equal(5, got["logits"].Shape[1]);
    }

    [Fact]
    public void Tokenize_series_on_a_Chronos_config_gives_torchs_ids_and_the_scale()
    {
        // A Chronos config around the tiny T5 (the tokenizer reads chronos_config only).
        var dir = Path.Combine(_tmp, "chronos");
        Directory.CreateDirectory(dir);
        File.Copy(RepoPaths.Fixture("t5-tiny-relu", "model.safetensors"), Path.Combine(dir, "model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("t5-tiny-relu", "config.json")))!.AsObject();
        config["chronos_config"] = new JsonObject
        {
            ["tokenizer_class"] = "MeanScaleUniformBins", ["tokenizer_kwargs"] = new JsonObject { ["low_limit"] = -15.0, ["high_limit"] = 15.0 },
            ["n_tokens"] = 4096, ["n_special_tokens"] = 2, ["pad_token_id"] = 0, ["eos_token_id"] = 1, ["use_eos_token"] = true,
            ["context_length"] = 64, ["prediction_length"] = 8, ["model_type"] = "seq2seq",
        };
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        var json = Path.Combine(_tmp, "ids.json");
        var r = CliRunner.Run("tokenize", "--model", dir, "--series", "1, nan, 2, NaN, -3", "--json", json);
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        // Expected from TestData/chronos-tokenizer-cases.json, case with_nan (torch.bucketize).
        Assert.Equal(new[] { 2117, 0, 2185, 0, 1844, 1 }, doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(2.0, doc.RootElement.GetProperty("scale").GetDouble());
        Assert.Contains("\"ids\"", r.Out);
    }

    [Theory]
    [InlineData("tokenize", "--series", "1,2")]               // not a Chronos model
    [InlineData("cache", "--series", "1,x")]
    [InlineData("cache", "--tokens", "1,99999")]
    [InlineData("cache", "--tokens", "1,2", "--names", "(")]
    public void Bad_input_exits_2_with_one_line(params string[] args)
    {
        var full = args.Concat(new[] { "--model", RepoPaths.Fixture("t5-tiny-relu") }).ToList();
        if (args[0] == "cache") full.AddRange(new[] { "--out", Path.Combine(_tmp, "x.safetensors") });
        var r = CliRunner.Run(full.ToArray());
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
    }
}
