using System.IO.Compression;
using Verification.Loading.Safetensors;

namespace Verification.Loading.Torch;

/// <summary>
/// The zip container torch.save writes (since PyTorch 1.6): &lt;prefix&gt;/data.pkl, &lt;prefix&gt;/data/&lt;key&gt; storages,
/// &lt;prefix&gt;/version and maybe &lt;prefix&gt;/byteorder. Declared entry sizes are never trusted for allocation:
/// reads are capped by what the entry and the archive can really hold.
/// </summary>
internal sealed class TorchArchive : IDisposable
{
    /// <summary>State-dict pickles are kilobytes; anything beyond this is not a checkpoint we should parse.</summary>
    private static long MaxPickleBytes => LoadLimits.PickleBytes;

    private readonly FileStream _file;
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.Ordinal);

    public string Path { get; }
    public string Prefix { get; }
    public long ArchiveLength { get; }

    private TorchArchive(string path, FileStream file, ZipArchive zip, string prefix)
    {
        Path = path; _file = file; _zip = zip; Prefix = prefix; ArchiveLength = file.Length;
        foreach (var e in zip.Entries)
            // torch.save never encrypts; an encrypted record cannot be read without a password, so refuse it up front.
            if (e.IsEncrypted) throw new ModelFormatException(path, $"zip entry '{MessageText.Safe(e.FullName, 120)}' is encrypted; torch.save never writes encrypted records");
            else if (!_entries.TryAdd(e.FullName, e)) throw new ModelFormatException(path, $"zip holds entry '{MessageText.Safe(e.FullName, 120)}' twice");
    }

    public static TorchArchive Open(string path)
    {
        FileStream file = SafeFile.OpenRead(path, long.MaxValue, "checkpoint");
        try
        {
            var zip = OpenZip(path, file);
            var pickles = zip.Entries.Where(e => IsTopLevelDataPkl(e.FullName)).ToList();
            if (pickles.Count == 0) throw new ModelFormatException(path, "zip has no <name>/data.pkl record: not a torch.save checkpoint");
            if (pickles.Count > 1) throw new ModelFormatException(path, $"zip has {pickles.Count} data.pkl records ({string.Join(", ", pickles.Take(3).Select(p => MessageText.Safe(p.FullName, 120)))}); expected one");
            var prefix = pickles[0].FullName[..^"/data.pkl".Length];
            var archive = new TorchArchive(path, file, zip, prefix);
            archive.CheckByteOrder();
            return archive;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static ZipArchive OpenZip(string path, FileStream file)
    {
        Span<byte> head = stackalloc byte[4];
        int n = 0;
        try
        {
            n = file.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            file.Position = 0;
            var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            _ = zip.Entries.Count; // the central directory is read lazily; make its errors surface here
            return zip;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            if (n >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5)
                throw new ModelFormatException(path, "legacy (pre-1.6, non-zip) torch.save format is not supported; re-save it with a current torch.save", e);
            throw new ModelFormatException(path, $"not a torch.save zip archive ({MessageText.Safe(e.Message, 200)})", e);
        }
    }

    private static bool IsTopLevelDataPkl(string name) =>
        name.EndsWith("/data.pkl", StringComparison.Ordinal) && name.IndexOf('/') == name.Length - "/data.pkl".Length && name.Length > "/data.pkl".Length;

    private void CheckByteOrder()
    {
        if (!_entries.TryGetValue(Prefix + "/byteorder", out var e)) return; // older torch: always little-endian
        var text = System.Text.Encoding.ASCII.GetString(ReadPrefix(e, 16, "byteorder")).Trim();
        if (text != "little") throw new ModelFormatException(Path, $"checkpoint byteorder is '{MessageText.Safe(text)}'; only little-endian is supported");
    }

    public byte[] ReadPickle()
    {
        var e = _entries[Prefix + "/data.pkl"];
        if (e.Length > MaxPickleBytes) throw new ModelFormatException(Path, $"{MessageText.Safe(e.FullName, 120)} declares {e.Length} bytes, beyond the {MaxPickleBytes}-byte limit for a state-dict pickle");
        var bytes = ReadPrefix(e, e.Length, "pickle");
        if (bytes.Length != e.Length) throw new ModelFormatException(Path, $"{MessageText.Safe(e.FullName, 120)} holds {bytes.Length} bytes, not the {e.Length} its zip entry declares");
        return bytes;
    }

    /// <summary>The zip entry of a storage key, or null. Keys are plain names; anything path-like is refused.</summary>
    public ZipArchiveEntry? StorageEntry(string key)
    {
        if (key.Length == 0 || key.Contains('/') || key.Contains('\\') || key == "." || key == "..")
            throw new ModelFormatException(Path, $"storage key '{MessageText.Safe(key)}' is not a plain record name");
        return _entries.GetValueOrDefault(Prefix + "/data/" + key);
    }

    /// <summary>The first <paramref name="count"/> bytes of a storage record (the caller checked count against the entry length).</summary>
    public byte[] ReadStorage(ZipArchiveEntry e, long count) => ReadPrefix(e, count, "storage");

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes of an entry. A stored entry's size is bounded by the archive, so its
    /// buffer is allocated at once; for a compressed entry the buffer grows only as data really arrives.
    /// </summary>
    private byte[] ReadPrefix(ZipArchiveEntry e, long count, string what)
    {
        count = Math.Min(count, e.Length);
        if (count <= 0) return Array.Empty<byte>();
        bool boundedByArchive = e.CompressedLength == e.Length && e.Length <= ArchiveLength;
        if (count > Array.MaxLength) throw new ModelFormatException(Path, $"{what} record {MessageText.Safe(e.FullName, 120)} is too large ({count} bytes)");
        try
        {
            using var s = e.Open();
            if (boundedByArchive)
            {
                var buf = new byte[count];
                int got = s.ReadAtLeast(buf, buf.Length, throwOnEndOfStream: false);
                return got == buf.Length ? buf : buf[..got];
            }
            var ms = new MemoryStream();
            var chunk = new byte[1 << 16];
            while (ms.Length < count)
            {
                int n = s.Read(chunk, 0, (int)Math.Min(chunk.Length, count - ms.Length));
                if (n <= 0) break;
                ms.Write(chunk, 0, n);
            }
            return ms.ToArray();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException)
        { throw new ModelFormatException(Path, $"{what} record {MessageText.Safe(e.FullName, 120)} cannot be read: {MessageText.Safe(ex.Message, 200)}", ex); }
    }

    public void Dispose()
    {
        _zip.Dispose();
        _file.Dispose();
    }
}
