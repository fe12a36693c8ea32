namespace Verification.Loading.Safetensors;

/// <summary>File access for the safetensors reader, turning I/O failures into ModelFormatException.</summary>
internal static class SafetensorsIO
{
    public static FileStream Open(string path)
    {
        // Weights files are as large as they are; the header and offsets are checked against the real length.
        return SafeFile.OpenRead(path, long.MaxValue, "weights file", FileOptions.RandomAccess);
    }

    /// <summary>Fills <paramref name="dst"/> from <paramref name="offset"/>; a short file is a format error, not a silent zero fill.</summary>
    public static void ReadExactly(string path, FileStream file, long offset, Span<byte> dst)
    {
        try
        {
            while (dst.Length > 0)
            {
                int n = RandomAccess.Read(file.SafeFileHandle, dst, offset);
                if (n <= 0) throw new ModelFormatException(path, $"file ends at byte {offset} while reading data (truncated?)");
                dst = dst[n..];
                offset += n;
            }
        }
        catch (IOException e) { throw new ModelFormatException(path, $"read failed at byte {offset}: {e.Message}", e); }
    }
}
