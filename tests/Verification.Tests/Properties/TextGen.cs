using System.Text;
using CsCheck;

namespace Verification.Tests.Properties;

/// <summary>
/// Generators of valid Unicode text that is hard on byte-level tokenizers and on file formats: ASCII words and
/// contractions, runs of whitespace, control characters (NUL included), Latin-1, combining marks, CJK, right-to-left
/// scripts, emoji (astral, ZWJ sequences, flags) and pieces of special tokens.
/// </summary>
internal static class TextGen
{
    private static readonly Gen<string> Astral = Gen.Int[0x1F300, 0x1FAFF].Select(char.ConvertFromUtf32);

    private static readonly Gen<string> Piece = Gen.Frequency(
        (6, Gen.String[Gen.Char.AlphaNumeric, 1, 8]),
        (3, Gen.OneOf(" ", "  ", "\t", "\n", "\r\n", "\v", "\f", "\u00a0", "\u2028", "\u3000", " \n ")),
        (2, Gen.Char['\0', '\u001f'].Select(c => c.ToString())),
        (1, Gen.Char['\u007f', '\u009f'].Select(c => c.ToString())),
        (2, Gen.OneOf("'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'", "\"", "...", "!?", "--")),
        (2, Gen.String[Gen.Char['\u00a1', '\u00ff'], 1, 4]),
        (1, Gen.String[Gen.Char['\u0300', '\u036f'], 1, 3]),
        (2, Gen.String[Gen.Char['\u4e00', '\u9fff'], 1, 4]),
        (1, Gen.String[Gen.Char['\u0590', '\u06ff'], 1, 4]),
        (2, Astral),
        (1, Gen.OneOf("\U0001F468\u200D\U0001F469\u200D\U0001F467", "\U0001F1EB\U0001F1F7", "\u2764\uFE0F", "\U0001F44D\U0001F3FD")),
        (1, Gen.OneOf("<|endoftext|>", "<|endo", "ftext|>", "<|", "|>")),
        (1, Gen.Int[0, 99999].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    /// <summary>Text of between min and max pieces.</summary>
    public static Gen<string> Text(int minPieces, int maxPieces) => Piece.Array[minPieces, maxPieces].Select(p => string.Concat(p));

    /// <summary>A tensor name: dotted segments of any text (the formats allow any string), at most 64 characters.</summary>
    public static readonly Gen<string> Name = Gen.Frequency(
        (3, Gen.String[Gen.Char.AlphaNumeric, 1, 6].Array[1, 4].Select(s => string.Join(".", s))),
        (1, Text(1, 4).Select(s => s.Length > 64 ? s[..64] : s).Where(s => s.Length > 0 && IsValid(s))));

    private static bool IsValid(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i])) { if (i + 1 >= s.Length || !char.IsLowSurrogate(s[++i])) return false; }
            else if (char.IsLowSurrogate(s[i])) return false;
        }
        return true;
    }

    /// <summary>A string as C# would write it, for failure messages.</summary>
    public static string Show(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s) sb.Append(c is < ' ' or > '~' or '"' or '\\' ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.Append('"').ToString();
    }
}
