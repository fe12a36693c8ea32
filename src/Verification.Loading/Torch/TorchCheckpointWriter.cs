using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using Verification.Tensors;

namespace Verification.Loading.Torch;

/// <summary>
/// Writes float32 tensors as a torch.save zip checkpoint (an OrderedDict state dict, pickle protocol 2, one storage per
/// tensor, stored uncompressed), the layout PyTorch 1.6+ writes, so stand-in models load through the same reader as real ones.
/// </summary>
public static class TorchCheckpointWriter
{
    public static void Write(string path, IEnumerable<(string name, Tensor t)> tensors, string archiveName = "archive")
    {
        var list = tensors.ToList();
        if (list.Select(x => x.name).Distinct(StringComparer.Ordinal).Count() != list.Count)
            throw new ArgumentException("tensor names repeat");
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        WriteEntry(zip, $"{archiveName}/data.pkl", Pickle(list));
        WriteEntry(zip, $"{archiveName}/byteorder", Encoding.ASCII.GetBytes("little"));
        for (int i = 0; i < list.Count; i++)
        {
            var entry = zip.CreateEntry($"{archiveName}/data/{i}", CompressionLevel.NoCompression);
            using var s = entry.Open();
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("writing checkpoints needs a little-endian machine");
            s.Write(MemoryMarshal.AsBytes(list[i].t.Data.AsSpan()));
        }
        WriteEntry(zip, $"{archiveName}/version", Encoding.ASCII.GetBytes("3\n"));
    }

    private static void WriteEntry(ZipArchive zip, string name, byte[] bytes)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        s.Write(bytes);
    }

    // OrderedDict([(name, _rebuild_tensor_v2(persistent('storage', FloatStorage, key, 'cpu', numel), 0, size, stride, False, OrderedDict()))...])
    private static byte[] Pickle(List<(string name, Tensor t)> list)
    {
        var p = new MemoryStream();
        p.Write([0x80, 2]);                                   // PROTO 2
        Global(p, "collections", "OrderedDict"); p.WriteByte((byte)')'); p.WriteByte((byte)'R');
        p.WriteByte((byte)'(');                               // MARK for SETITEMS
        for (int i = 0; i < list.Count; i++)
        {
            var (name, t) = list[i];
            Str(p, name);
            Global(p, "torch._utils", "_rebuild_tensor_v2");
            p.WriteByte((byte)'(');
            p.WriteByte((byte)'(');
            Str(p, "storage"); Global(p, "torch", "FloatStorage"); Str(p, i.ToString(System.Globalization.CultureInfo.InvariantCulture)); Str(p, "cpu"); Int(p, t.Length);
            p.WriteByte((byte)'t'); p.WriteByte((byte)'Q');    // TUPLE, BINPERSID
            Int(p, 0);                                        // storage offset
            p.WriteByte((byte)'('); foreach (var d in t.Shape) Int(p, d); p.WriteByte((byte)'t');
            p.WriteByte((byte)'(');
            long stride = 1;
            var strides = new long[t.Shape.Length];
            for (int k = t.Shape.Length - 1; k >= 0; k--) { strides[k] = stride; stride *= t.Shape[k]; }
            foreach (var s in strides) Int(p, s);
            p.WriteByte((byte)'t');
            p.WriteByte(0x89);                                // requires_grad False
            Global(p, "collections", "OrderedDict"); p.WriteByte((byte)')'); p.WriteByte((byte)'R'); // backward hooks
            p.WriteByte((byte)'t'); p.WriteByte((byte)'R');
        }
        p.WriteByte((byte)'u');
        p.WriteByte((byte)'.');
        return p.ToArray();
    }

    private static void Global(Stream p, string module, string name) => p.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

    private static void Str(Stream p, string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(n, b.Length);
        p.WriteByte((byte)'X'); p.Write(n); p.Write(b);
    }

    private static void Int(Stream p, long v)
    {
        if (v is < int.MinValue or > int.MaxValue)
        {
            Span<byte> l = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(l, v);
            p.WriteByte(0x8a); p.WriteByte(8); p.Write(l);    // LONG1, 8 bytes
            return;
        }
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(n, (int)v);
        p.WriteByte((byte)'J'); p.Write(n);                   // BININT
    }
}
