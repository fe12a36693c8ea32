namespace Verification.Loading.Tokenization;

/// <summary>
/// GPT-2's reversible byte-to-character table: printable bytes map to themselves, the others (controls, space,
/// 0x7F-0xA0, 0xAD) to U+0100.. in byte order, so every byte sequence becomes a string without whitespace or controls.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = new char[256];
    private static readonly short[] CharToByte; // indexed by char, -1 when the char is not in the alphabet

    static ByteLevelAlphabet()
    {
        var printable = new bool[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int extra = 0;
        for (int b = 0; b < 256; b++) ByteToChar[b] = printable[b] ? (char)b : (char)(256 + extra++);
        CharToByte = new short[256 + extra];
        Array.Fill(CharToByte, (short)-1);
        for (int b = 0; b < 256; b++) CharToByte[ByteToChar[b]] = (short)b;
    }

    public static char CharOf(byte b) => ByteToChar[b];

    public static bool TryGetByte(char c, out byte b)
    {
        if (c < CharToByte.Length && CharToByte[c] >= 0) { b = (byte)CharToByte[c]; return true; }
        b = 0;
        return false;
    }

    /// <summary>The text's UTF-8 bytes written in the alphabet (what byte-level BPE operates on).</summary>
    public static string Encode(ReadOnlySpan<char> text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text.ToArray());
        return string.Create(bytes.Length, bytes, static (span, bs) => { for (int i = 0; i < bs.Length; i++) span[i] = ByteToChar[bs[i]]; });
    }

    /// <summary>A token written in the alphabet back to bytes; characters outside the alphabet contribute their UTF-8.</summary>
    public static void AppendBytes(string token, List<byte> output)
    {
        Span<byte> buffer = stackalloc byte[4]; // once, outside the loop: a 4 M-character token must not exhaust the stack (CA2014)
        foreach (var rune in token.EnumerateRunes())
        {
            if (rune.IsBmp && TryGetByte((char)rune.Value, out var b)) { output.Add(b); continue; }
            int n = rune.EncodeToUtf8(buffer);
            for (int i = 0; i < n; i++) output.Add(buffer[i]);
        }
    }
}
