using System.Text.Json;
using Verification.Loading.Config;
using Verification.Loading.Tokenization;

namespace Verification.Tests.Tokenization;

/// <summary>
/// ChronosTokenizer against ids computed with torch.bucketize by tools/fixtures/chronos_tokenizer_reference.py
/// (TestData/chronos-tokenizer-cases.json): all-zero, NaN, all-NaN, values exactly on boundaries, beyond the limits once
/// scaled, longer than the context; the scale, the decoded values, and torch's linspace centers and boundaries.
/// </summary>
public class ChronosTokenizerTests
{
    private static readonly JsonElement Root = JsonDocument.Parse(File.ReadAllText(TokenizerTestData.Dir("chronos-tokenizer-cases.json"))).RootElement;

    private static ChronosTokenizer Tokenizer()
    {
        var c = Root.GetProperty("config");
        return new ChronosTokenizer(new ChronosConfig
        {
            NTokens = c.GetProperty("n_tokens").GetInt32(),
            NSpecialTokens = c.GetProperty("n_special_tokens").GetInt32(),
            PadTokenId = c.GetProperty("pad_token_id").GetInt32(),
            EosTokenId = c.GetProperty("eos_token_id").GetInt32(),
            LowLimit = c.GetProperty("low_limit").GetDouble(),
            HighLimit = c.GetProperty("high_limit").GetDouble(),
            ContextLength = c.GetProperty("context_length").GetInt32(),
        });
    }

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var c in Root.GetProperty("cases").EnumerateArray()) d.Add(c.GetProperty("name").GetString()!);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ids_scale_and_decoded_values_equal_torch(string name)
    {
        var c = Root.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var series = c.GetProperty("series").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();
        var tok = Tokenizer().Encode(series);
        Assert.Equal(TokenizerTestData.Ints(c.GetProperty("ids")), tok.Ids);
        Assert.Equal((float)c.GetProperty("scale").GetDouble(), tok.Scale);
        var decoded = Tokenizer().Decode(tok.Ids, tok.Scale);
        var expected = c.GetProperty("decoded").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        Assert.Equal(expected, decoded);
    }

    [Fact]
    public void Centers_and_boundaries_equal_torch_linspace_bitwise()
    {
        var t = Tokenizer();
        foreach (var p in Root.GetProperty("centers_sample").EnumerateObject())
            Assert.Equal((float)p.Value.GetDouble(), t.Centers[int.Parse(p.Name)]);
        foreach (var p in Root.GetProperty("boundaries_sample").EnumerateObject())
            Assert.Equal((float)p.Value.GetDouble(), t.Boundaries[int.Parse(p.Name)]);
    }
}
