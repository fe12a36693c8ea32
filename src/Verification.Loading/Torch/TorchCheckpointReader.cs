using Verification.Loading.Safetensors;
using Verification.Tensors;

namespace Verification.Loading.Torch;

/// <summary>
/// Reads PyTorch torch.save checkpoints (zip format, PyTorch &gt;= 1.6) holding a state dict, without executing
/// anything: the pickle goes through <see cref="RestrictedUnpickler"/>, storages are read from the zip records and
/// views are materialised with their offsets and strides. Float tensors (F32, F16, BF16, F64) become float32;
/// integer and bool tensors (e.g. TransformerLens's attn.mask) and non-tensor values are skipped and reported.
/// </summary>
public static class TorchCheckpointReader
{
    public const string FormatName = "pytorch-zip";

    /// <summary>Materialised tensors, and storage bytes inflated, may be at most this multiple of the file size.</summary>
    private static long MaxExpansion => LoadLimits.InflationFactor;

    public static StateDict Read(string path) => ReadCheckpoint(path).Tensors;

    public static TorchCheckpoint ReadCheckpoint(string path)
    {
        using var archive = TorchArchive.Open(path);
        var root = RestrictedUnpickler.Load(path, archive.Prefix + "/data.pkl", archive.ReadPickle());
        if (root is not PickleDict dict)
            throw new ModelFormatException(path, $"checkpoint holds {RestrictedUnpickler.Describe(root)}, not a state dict");

        var skipped = new List<string>();
        var tensors = Collect(path, dict, skipped);
        if (tensors.Count == 0 && FindNestedStateDict(dict) is { } nested)
        {
            // A training checkpoint {"model": state_dict, "optimizer": ...}: use the state dict inside.
            skipped.Clear();
            tensors = Collect(path, nested, skipped);
        }
        return new TorchCheckpoint(Materialise(archive, tensors), skipped);
    }

    private static List<(string Name, TorchTensorRef Ref)> Collect(string path, PickleDict dict, List<string> skipped)
    {
        var tensors = new List<(string, TorchTensorRef)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in dict.Items)
        {
            if (key is not string name)
                throw new ModelFormatException(path, $"state dict key is {RestrictedUnpickler.Describe(key)}, not a string");
            if (!seen.Add(name)) throw new ModelFormatException(path, $"state dict has key '{MessageText.Safe(name)}' twice");
            if (value is not TorchTensorRef t) { skipped.Add($"{name} ({RestrictedUnpickler.Describe(value)})"); continue; }
            if (t.Storage.Type.IsComplex)
                throw new ModelFormatException(path, $"tensor '{MessageText.Safe(name)}' is {t.Storage.Type.Element}; complex weights are not supported");
            if (!t.Storage.Type.IsFloat) { skipped.Add($"{name} ({t.Storage.Type.Element} tensor)"); continue; }
            tensors.Add((name, t));
        }
        return tensors;
    }

    private static PickleDict? FindNestedStateDict(PickleDict dict)
    {
        foreach (var want in new[] { "state_dict", "model_state_dict", "model" })
            foreach (var (k, v) in dict.Items)
                if (k is string s && s == want && v is PickleDict d) return d;
        return null;
    }

    private sealed record Planned(string Name, TorchTensorRef Ref, int[] Shape, long Count, long ExtentBytes);

    private static StateDict Materialise(TorchArchive archive, List<(string Name, TorchTensorRef Ref)> tensors)
    {
        string path = archive.Path;
        var planned = tensors.Select(t => Plan(path, t.Name, t.Ref)).ToList();
        // First every view against its record's declared length (the most specific complaint), then the total.
        var groups = planned.Select((p, i) => (p, i)).GroupBy(x => x.p.Ref.Storage.Key)
            .Select(g => (Entry: archive.StorageEntry(g.Key), Key: g.Key, Items: g.ToList())).ToList();
        var needs = new List<long>();
        foreach (var (entry, key, group) in groups)
        {
            long need = 0;
            var first = group[0].p.Ref.Storage;
            foreach (var (p, _) in group)
            {
                // Rule: one record is one storage. Two tensors that call it different types or sizes disagree about its bytes.
                if (p.Ref.Storage.Type != first.Type || p.Ref.Storage.ElementCount != first.ElementCount)
                    throw new ModelFormatException(path, $"storage '{MessageText.Safe(key)}' is declared as {first.Type.Element}[{first.ElementCount}] and as {p.Ref.Storage.Type.Element}[{p.Ref.Storage.ElementCount}] (tensor '{MessageText.Safe(p.Name)}')");
                if (entry is null)
                    throw new ModelFormatException(path, $"tensor '{MessageText.Safe(p.Name)}' uses storage record '{MessageText.Safe(archive.Prefix + "/data/" + key, 120)}', which the archive lacks");
                if (p.ExtentBytes > entry.Length)
                    throw new ModelFormatException(path, $"storage record '{MessageText.Safe(entry.FullName, 120)}' holds {entry.Length} bytes but tensor '{MessageText.Safe(p.Name)}' needs {p.ExtentBytes}");
                need = Math.Max(need, p.ExtentBytes);
            }
            // Rule: a record holds exactly its storage (torch.save writes numel * element size); otherwise the dtype
            // or the element count the pickle gives disagrees with the bytes.
            if (entry is not null && entry.Length != first.ElementCount * first.Type.ElementSize)
                throw new ModelFormatException(path, $"storage record '{MessageText.Safe(entry.FullName, 120)}' holds {entry.Length} bytes, but the pickle declares {first.Type.Element}[{first.ElementCount}] = {first.ElementCount * first.Type.ElementSize} bytes (dtype mismatch or truncated)");
            needs.Add(need);
        }
        // Both budgets before anything is inflated: bytes to decompress (the storage spans views reach, which a zip
        // bomb inflates) and float32 output (which zero strides or many views of one record multiply).
        long budget = MaxExpansion * archive.ArchiveLength + (1 << 20);
        long inflate = needs.Sum();
        if (inflate > budget)
            throw new ModelFormatException(path, $"storages would inflate to {inflate} bytes, over {MaxExpansion}x the {archive.ArchiveLength}-byte file (zip bomb? set VERIFICATION_LIMIT_SCALE for truly compressed checkpoints)");
        long totalBytes = planned.Sum(p => 4 * p.Count);
        if (totalBytes > budget)
            throw new ModelFormatException(path, $"tensors would take {totalBytes} bytes as float32, over {MaxExpansion}x the {archive.ArchiveLength}-byte file (zero strides or bogus sizes?)");

        var result = new Tensor[planned.Count];
        for (int g = 0; g < groups.Count; g++)
        {
            var (entry, _, group) = groups[g];
            long need = needs[g];
            var bytes = archive.ReadStorage(entry!, need);
            foreach (var (p, i) in group)
            {
                if (p.ExtentBytes > bytes.Length)
                    throw new ModelFormatException(path, $"storage record '{MessageText.Safe(entry!.FullName, 120)}' ends after {bytes.Length} bytes but tensor '{MessageText.Safe(p.Name)}' needs {p.ExtentBytes} (truncated)");
                result[i] = Gather(p, bytes);
            }
        }

        var dict = new StateDict(path, FormatName);
        for (int i = 0; i < planned.Count; i++) dict.Add(planned[i].Name, result[i]);
        return dict;
    }

    /// <summary>Checks a view against its storage's declared size before anything is read or allocated.</summary>
    private static Planned Plan(string path, string name, TorchTensorRef t)
    {
        ModelFormatException Bad(string problem) => new(path, $"tensor '{MessageText.Safe(name)}': {problem}");
        if (t.Size.Length != t.Stride.Length) throw Bad($"size has {t.Size.Length} dimensions but stride has {t.Stride.Length}");
        if (t.Offset < 0) throw Bad($"storage offset {t.Offset} is negative");
        var shape = new int[t.Size.Length];
        long count = 1, last = t.Offset; // 'last' = storage index of the final element
        for (int d = 0; d < shape.Length; d++)
        {
            long size = t.Size[d], stride = t.Stride[d];
            if (size < 0 || size > int.MaxValue) throw Bad($"size {size} in dimension {d} is invalid");
            if (stride < 0) throw Bad($"stride {stride} in dimension {d} is negative");
            shape[d] = (int)size;
            count = size == 0 || count == 0 ? 0 : (count > Array.MaxLength / size ? throw Bad($"shape [{string.Join(", ", t.Size)}] is too large") : count * size);
            if (size > 0)
            {
                if (stride > 0 && size - 1 > (long.MaxValue - last) / stride) throw Bad("strides reach beyond any storage");
                last += (size - 1) * stride;
            }
        }
        long extent = count == 0 ? 0 : last + 1;
        CheckNoOverlap(t, Bad);
        if (extent > t.Storage.ElementCount)
            throw Bad($"needs {extent} elements of storage '{MessageText.Safe(t.Storage.Key)}', which declares only {t.Storage.ElementCount}");
        int es = t.Storage.Type.ElementSize;
        if (extent > long.MaxValue / es) throw Bad("extent overflows");
        return new Planned(name, t, shape, count, extent * es);
    }

    /// <summary>
    /// Rule: a saved weight never aliases itself except by broadcasting. A zero stride is a broadcast (torch's expand;
    /// accepted, the float32 budget bounds it); among the other dimensions of size &gt; 1, ordered by stride, each
    /// stride must step past everything the smaller ones reach, so overlapping views such as stride [1, 1] are refused.
    /// </summary>
    private static void CheckNoOverlap(TorchTensorRef t, Func<string, ModelFormatException> bad)
    {
        long reach = 0; // highest offset (relative) the smaller dimensions reach
        foreach (var d in Enumerable.Range(0, t.Size.Length).Where(d => t.Size[d] > 1 && t.Stride[d] != 0).OrderBy(d => t.Stride[d]))
        {
            if (t.Stride[d] <= reach)
                throw bad($"size [{string.Join(", ", t.Size)}] with stride [{string.Join(", ", t.Stride)}] makes elements overlap; a weight never aliases itself");
            reach += (t.Size[d] - 1) * t.Stride[d];
        }
    }

    private static Tensor Gather(Planned p, byte[] storage)
    {
        var t = p.Ref;
        var type = t.Storage.Type;
        int es = type.ElementSize;
        var data = new float[p.Count];
        if (p.Count == 0) return new Tensor(data, p.Shape);

        if (IsContiguous(p.Shape, t.Stride))
        {
            Convert(type.Element, storage.AsSpan(checked((int)(t.Offset * es)), checked((int)(p.Count * es))), data);
            return new Tensor(data, p.Shape);
        }

        // Strided view: walk the index odometer; each element is converted on its own.
        int rank = p.Shape.Length;
        var index = new int[rank];
        long at = t.Offset;
        Span<float> one = stackalloc float[1];
        for (long i = 0; i < p.Count; i++)
        {
            Convert(type.Element, storage.AsSpan((int)(at * es), es), one);
            data[i] = one[0];
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < p.Shape[d]) { at += t.Stride[d]; break; }
                at -= (long)(p.Shape[d] - 1) * t.Stride[d];
                index[d] = 0;
            }
        }
        return new Tensor(data, p.Shape);
    }

    private static bool IsContiguous(int[] shape, long[] stride)
    {
        long expected = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] != 1 && stride[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    private static void Convert(TorchElementType type, ReadOnlySpan<byte> src, Span<float> dst)
    {
        switch (type)
        {
            case TorchElementType.Float32: ElementConversion.F32(src, dst); break;
            case TorchElementType.Float16: ElementConversion.F16(src, dst); break;
            case TorchElementType.BFloat16: ElementConversion.BF16(src, dst); break;
            case TorchElementType.Float64: ElementConversion.F64(src, dst); break;
            default: throw new InvalidOperationException($"{type} is not a float type"); // Collect() only passes floats
        }
    }
}
