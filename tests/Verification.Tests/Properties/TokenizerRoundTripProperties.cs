using Verification.Loading.Tokenization;
using Verification.Tests.Loading.TestSupport;
using Verification.Tests.Tokenization;

namespace Verification.Tests.Properties;

/// <summary>
/// Property: byte-level BPE is lossless, so decode(encode(text)) == text for any valid Unicode text (control
/// characters, NUL, emoji, combining marks, special-token pieces), on three tokenizers: full GPT-2 (encoder.json +
/// vocab.bpe), the truncated fixture vocabulary (vocab.json + merges.txt), and the same as a tokenizer.json.
/// </summary>
public sealed class TokenizerRoundTripProperties : IDisposable
{
    private readonly TempFiles _tmp = new();

    public void Dispose() => _tmp.Dispose();

    public static IEnumerable<object[]> Tokenizers() => new[] { new object[] { "gpt2" }, new object[] { "truncated" }, new object[] { "tokenizer.json" } };

    private ITextTokenizer Load(string which) => which switch
    {
        "gpt2" => TokenizerTestData.FullGpt2,
        "truncated" => TokenizerTestData.Truncated,
        _ => HuggingFaceTokenizer.Load(HfTokenizerJsonBuilder.Write(_tmp.Dir, HfTokenizerJsonBuilder.FromGpt2Files(
            Path.Combine(TokenizerTestData.TruncatedDir, "vocab.json"), Path.Combine(TokenizerTestData.TruncatedDir, "merges.txt")))),
    };

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Decode_of_encode_is_the_text(string which)
    {
        var tokenizer = Load(which);
        SeededProperty.ForAll(TextGen.Text(0, 30), 500, 16_100, text =>
        {
            var ids = tokenizer.Encode(text);
            ids.Where(id => id < 0 || id >= tokenizer.VocabSize).Should().BeEmpty();
            tokenizer.Decode(ids).Should().Be(text);
        }, TextGen.Show);
    }
}
