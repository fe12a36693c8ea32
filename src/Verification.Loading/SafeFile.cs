using System.Text;
using Verification.Loading.Safetensors;

namespace Verification.Loading;

/// <summary>
/// Every loader opens files through here: regular files only (a FIFO would block forever, /dev/zero never ends),
/// the size checked against the file kind's limit before anything is read, and I/O errors as ModelFormatException.
/// </summary>
public static class SafeFile
{
    /// <summary>Refuses anything but a non-empty regular file of at most <paramref name="maxBytes"/> (symlinks are followed, then checked).</summary>
    public static long CheckRegular(string path, long maxBytes, string what)
    {
        FileInfo info;
        try
        {
            if (Directory.Exists(path)) throw new ModelFormatException(path, $"{what} is a directory, not a file");
            info = new FileInfo(path);
            if (info.LinkTarget != null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target) info = target;
            if (!info.Exists) throw new ModelFormatException(path, $"cannot open {what}: it does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        { throw new ModelFormatException(path, $"cannot open {what}: {e.Message}", e); }
        // A FIFO, socket or device reports length 0 (st_size), so this one test also keeps open() from blocking on a
        // FIFO and reads from never ending on /dev/zero; an empty regular file is no use either.
        long length = info.Length;
        if (length == 0) throw new ModelFormatException(path, $"{what} is empty or not a regular file (FIFO, device, socket); refusing to read it");
        if (length > maxBytes)
            throw new ModelFormatException(path, $"{what} is {length} bytes, over the {maxBytes}-byte limit for this kind of file (set VERIFICATION_LIMIT_SCALE to raise it)");
        return length;
    }

    /// <summary>Opens a checked regular file for reading.</summary>
    public static FileStream OpenRead(string path, long maxBytes, string what, FileOptions options = FileOptions.None)
    {
        CheckRegular(path, maxBytes, what);
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, options); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        { throw new ModelFormatException(path, $"cannot open {what}: {e.Message}", e); }
    }

    /// <summary>A whole text file, at most <paramref name="maxBytes"/> (re-checked while reading: the file may grow).</summary>
    public static string ReadAllText(string path, long maxBytes, string what)
    {
        using var f = OpenRead(path, maxBytes, what);
        try
        {
            var ms = new MemoryStream();
            var buf = new byte[1 << 16];
            int n;
            while ((n = f.Read(buf, 0, buf.Length)) > 0)
            {
                ms.Write(buf, 0, n);
                if (ms.Length > maxBytes) throw new ModelFormatException(path, $"{what} grows past the {maxBytes}-byte limit while being read");
            }
            return new UTF8Encoding(false, false).GetString(ms.GetBuffer(), 0, (int)ms.Length).TrimStart('\uFEFF');
        }
        catch (IOException e) { throw new ModelFormatException(path, $"cannot read {what}: {MessageText.Safe(e.Message, 200)}", e); }
    }
}
