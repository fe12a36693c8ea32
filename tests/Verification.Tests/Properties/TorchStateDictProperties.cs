using System.Buffers.Binary;
using CsCheck;
using Verification.Loading.Torch;
using Verification.Tests.Loading.TestSupport;

namespace Verification.Tests.Properties;

/// <summary>
/// Property: a torch.save state dict of any float dtype (F32, F16, BF16, F64), rank (0-4), stride (permuted,
/// stepped, broadcast), offset and storage sharing, stored or deflated, under any archive name, loads to the tensors
/// its views denote, converted to float32 exactly as the dtype defines; integer tensors are reported skipped.
/// </summary>
public sealed class TorchStateDictProperties
{
    private enum DType { F32, F16, BF16, F64, I64 }

    private static readonly Dictionary<DType, (string Class, int Size)> Storage = new()
    {
        [DType.F32] = ("FloatStorage", 4), [DType.F16] = ("HalfStorage", 2), [DType.BF16] = ("BFloat16Storage", 2),
        [DType.F64] = ("DoubleStorage", 8), [DType.I64] = ("LongStorage", 8),
    };

    private sealed record View(long Offset, long[] Size, long[] Stride)
    {
        public long Span => Size.Any(s => s == 0) ? 0 : 1 + Size.Zip(Stride, (s, st) => (s - 1) * st).Sum();
        public long Count => Size.Aggregate(1L, (a, b) => a * b);
    }

    private sealed record StorageSpec(DType Type, View[] Views, byte[] Bytes);

    private sealed record Checkpoint(StorageSpec[] Storages, string[] Names, string Prefix, bool Deflate);

    /// <summary>A non-overlapping view: a stepped sub-lattice of a contiguous block in permuted dimension order, sometimes with one broadcast (zero-stride) dimension.</summary>
    private static readonly Gen<View> AnyView = Gen.Int[0, 4].SelectMany(rank => Gen.Select(
        Gen.Int[0, 3].Array[rank, rank], Gen.Int[1, 3].Array[rank, rank], Gen.Shuffle(Enumerable.Range(0, rank).ToArray()),
        Gen.Int[0, 5], Gen.Frequency((3, Gen.Const(-1)), (1, Gen.Int[0, Math.Max(0, rank - 1)])),
        (size, step, order, offset, broadcast) =>
        {
            var stride = new long[rank];
            long inner = 1;
            for (int k = rank - 1; k >= 0; k--)
            {
                int d = order[k];
                stride[d] = inner * step[d];
                inner *= Math.Max(size[d], 1) * step[d];
            }
            if (broadcast >= 0 && broadcast < rank && size[broadcast] > 1) stride[broadcast] = 0;
            return new View(offset, size.Select(s => (long)s).ToArray(), stride);
        }));

    /// <summary>Raw little-endian elements of a dtype; finite values only (the weights rule refuses NaN elsewhere).</summary>
    private static Gen<byte[]> Elements(DType type, int count) => type switch
    {
        DType.F32 => Gen.Int.Uniform.Where(b => float.IsFinite(BitConverter.Int32BitsToSingle(b))).Array[count, count]
            .Select(v => v.SelectMany(BitConverter.GetBytes).ToArray()),
        DType.F16 => Gen.UShort.Where(b => Half.IsFinite(BitConverter.UInt16BitsToHalf(b))).Array[count, count]
            .Select(v => v.SelectMany(BitConverter.GetBytes).ToArray()),
        DType.BF16 => Gen.UShort.Where(b => float.IsFinite(BitConverter.Int32BitsToSingle(b << 16))).Array[count, count]
            .Select(v => v.SelectMany(BitConverter.GetBytes).ToArray()),
        DType.F64 => Gen.Long.Where(b => Math.Abs(BitConverter.Int64BitsToDouble(b)) <= float.MaxValue).Array[count, count]
            .Select(v => v.SelectMany(BitConverter.GetBytes).ToArray()),
        _ => Gen.Long.Array[count, count].Select(v => v.SelectMany(BitConverter.GetBytes).ToArray()),
    };

    private static readonly Gen<StorageSpec> AnyStorage =
        Gen.Select(Gen.Frequency((3, Gen.Const(DType.F32)), (2, Gen.Const(DType.F16)), (2, Gen.Const(DType.BF16)), (2, Gen.Const(DType.F64)), (1, Gen.Const(DType.I64))),
                   AnyView.Array[1, 3], Gen.Int[0, 3])
           .SelectMany((type, views, slack) => Elements(type, (int)views.Max(v => v.Offset + v.Span) + slack).Select(bytes => new StorageSpec(type, views, bytes)));

    private static readonly Gen<Checkpoint> AnyCheckpoint = Gen.Select(AnyStorage.Array[1, 3], TextGen.Name.Array[9, 9],
        Gen.OneOf("archive", "model", "checkpoint-7"), Gen.Bool,
        (storages, names, prefix, deflate) => new Checkpoint(storages, names.Select((n, i) => $"{n}#{i}").ToArray(), prefix, deflate));

    [Fact]
    public void Any_valid_state_dict_loads_to_the_tensors_its_views_denote()
    {
        using var tmp = new TempFiles();
        SeededProperty.ForAll(AnyCheckpoint, 200, 16_200, c =>
        {
            var tensors = new List<(string Name, TensorSpec Spec, StorageSpec Storage, View View)>();
            int n = 0;
            for (int s = 0; s < c.Storages.Length; s++)
            {
                var st = c.Storages[s];
                long numel = st.Bytes.Length / Storage[st.Type].Size;
                foreach (var v in st.Views)
                    tensors.Add((c.Names[n++], new TensorSpec(s.ToString(), numel, v.Offset, v.Size, v.Stride, Storage[st.Type].Class), st, v));
            }
            var pth = PthWriter.Build(PickleWriter.StateDict(tensors.Select(t => (t.Name, t.Spec))),
                c.Storages.Select((st, s) => (s.ToString(), st.Bytes)), c.Prefix, c.Deflate);
            var path = tmp.Write("model_final.pth", pth);

            var read = TorchCheckpointReader.ReadCheckpoint(path);
            var floats = tensors.Where(t => t.Storage.Type != DType.I64).ToList();
            read.Tensors.Keys.Should().Equal(floats.Select(t => t.Name));
            read.Skipped.Should().HaveCount(tensors.Count - floats.Count);
            foreach (var t in floats)
            {
                var got = read.Tensors[t.Name];
                got.Shape.Should().Equal(t.View.Size.Select(x => (int)x), t.Name);
                got.Data.Select(BitConverter.SingleToInt32Bits).Should().Equal(Expected(t.Storage, t.View).Select(BitConverter.SingleToInt32Bits), t.Name);
            }
        }, c => string.Join("; ", c.Storages.Select(s => $"{s.Type}[{s.Bytes.Length / Storage[s.Type].Size}]: " +
            string.Join(", ", s.Views.Select(v => $"offset {v.Offset} size [{string.Join(",", v.Size)}] stride [{string.Join(",", v.Stride)}]")))) +
            $"; prefix {c.Prefix}, deflate {c.Deflate}");
    }

    /// <summary>The view's elements in row-major order, each converted to float32 by the dtype's definition.</summary>
    private static float[] Expected(StorageSpec st, View v)
    {
        var result = new float[v.Count];
        var index = new long[v.Size.Length];
        for (long i = 0; i < v.Count; i++)
        {
            long at = v.Offset;
            for (int d = 0; d < index.Length; d++) at += index[d] * v.Stride[d];
            result[i] = Element(st, at);
            for (int d = index.Length - 1; d >= 0; d--) { if (++index[d] < v.Size[d]) break; index[d] = 0; }
        }
        return result;
    }

    private static float Element(StorageSpec st, long i)
    {
        var b = st.Bytes.AsSpan((int)(i * Storage[st.Type].Size));
        return st.Type switch
        {
            DType.F32 => BinaryPrimitives.ReadSingleLittleEndian(b),
            DType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
            DType.BF16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
            _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
        };
    }
}
