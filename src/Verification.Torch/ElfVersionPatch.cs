using System.Buffers.Binary;
using System.Text;

namespace Verification.Torch;

/// <summary>
/// Marks one symbol-version requirement of an ELF64 shared library as weak (VER_FLG_WEAK), so the dynamic loader no
/// longer refuses the library when the named library lacks that version; symbols of that version must then be found
/// elsewhere (the shim). Edits a byte or two of the .gnu.version_r section in place and nothing else.
/// </summary>
public static class ElfVersionPatch
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Whether the library requires <paramref name="version"/> strongly (true), weakly or not at all (false).</summary>
    public static bool RequiresStrongly(string path, string version) =>
        Visit(File.ReadAllBytes(path), version, patch: false) == Found.Strong;

    /// <summary>Makes the requirement weak; returns false when the library does not require that version.</summary>
    public static bool MakeWeak(string path, string version)
    {
        var bytes = File.ReadAllBytes(path);
        var found = Visit(bytes, version, patch: true);
        if (found == Found.Strong) File.WriteAllBytes(path, bytes);
        return found != Found.None;
    }

    private enum Found { None, Weak, Strong }

    private static Found Visit(byte[] elf, string version, bool patch)
    {
        var s = elf.AsSpan();
        if (s.Length < 64 || s[0] != 0x7f || s[1] != 'E' || s[2] != 'L' || s[3] != 'F' || s[4] != 2 || s[5] != 1)
            throw new InvalidDataException("not a little-endian ELF64 file");
        long shoff = BinaryPrimitives.ReadInt64LittleEndian(s[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(s[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(s[0x3C..]);
        var result = Found.None;
        for (int i = 0; i < shnum; i++)
        {
            var sh = s.Slice(checked((int)(shoff + (long)i * shentsize)), 64);
            if (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]) != ShtGnuVerneed) continue;
            long off = BinaryPrimitives.ReadInt64LittleEndian(sh[0x18..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x28..]);
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x2C..]);
            var strSh = s.Slice(checked((int)(shoff + (long)link * shentsize)), 64);
            long strOff = BinaryPrimitives.ReadInt64LittleEndian(strSh[0x18..]);
            long need = off;
            for (int n = 0; n < count; n++)
            {
                int cnt = BinaryPrimitives.ReadUInt16LittleEndian(s[(int)(need + 2)..]);
                long aux = need + BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(need + 8)..]);
                for (int a = 0; a < cnt; a++)
                {
                    int flagsAt = (int)(aux + 4);
                    uint nameOff = BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(aux + 8)..]);
                    if (ReadString(s, strOff + nameOff) == version)
                    {
                        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(s[flagsAt..]);
                        bool weak = (flags & VerFlgWeak) != 0;
                        if (!weak && patch) BinaryPrimitives.WriteUInt16LittleEndian(s[flagsAt..], (ushort)(flags | VerFlgWeak));
                        if (result != Found.Strong) result = weak ? Found.Weak : Found.Strong;
                    }
                    aux += BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(aux + 12)..]);
                }
                uint next = BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(need + 12)..]);
                if (next == 0) break;
                need += next;
            }
        }
        return result;
    }

    private static string ReadString(ReadOnlySpan<byte> s, long at)
    {
        int end = s[(int)at..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(s.Slice((int)at, end));
    }
}
