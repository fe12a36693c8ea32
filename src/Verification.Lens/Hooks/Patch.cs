using Verification.Tensors;

namespace Verification.Lens.Hooks;

/// <summary>
/// Ready-made hooks for activation patching and ablation. Head-indexed activations are [batch, pos, head, ...]
/// (hook_q/k/v/z/result) or [batch, head, q, k] (hook_attn_scores/pattern); the head axis is found from the name.
/// Every hook here but <see cref="Read"/> is declarative (<see cref="Hook.Spec"/>): the libtorch engine runs it on the
/// device, copying in only its source.
/// </summary>
public static class Patch
{
    /// <summary>Replace the whole activation with a copy of <paramref name="source"/> (same shape).</summary>
    public static Hook Replace(string name, Tensor source) => Declarative(name, new PatchSpec(PatchKind.Replace, source));

    /// <summary>Replace one head's slice with the same slice of <paramref name="source"/> (a clean run's activation).</summary>
    public static Hook Head(string name, int head, Tensor source) => Declarative(name, new PatchSpec(PatchKind.ReplaceHead, source, head));

    /// <summary>Zero the whole activation (zero ablation of a component).</summary>
    public static Hook Zero(string name) => Declarative(name, new PatchSpec(PatchKind.Zero));

    /// <summary>Zero one head's slice (zero ablation).</summary>
    public static Hook ZeroHead(string name, int head) => Declarative(name, new PatchSpec(PatchKind.ZeroHead, null, head));

    /// <summary>
    /// Mean ablation: one head's slice becomes the mean over <paramref name="source"/>'s batch (a reference run's
    /// activation, any batch size, otherwise the activation's shape) of that slice, per position, in every sequence.
    /// </summary>
    public static Hook MeanHead(string name, int head, Tensor source) => Declarative(name, new PatchSpec(PatchKind.MeanHead, source, head));

    /// <summary>Replace one position (axis 1 of a [batch, pos, ...] activation) with the same position of <paramref name="source"/>.</summary>
    public static Hook Position(string name, int position, Tensor source) => Declarative(name, new PatchSpec(PatchKind.ReplacePosition, source, position));

    /// <summary>Read-only hook: hands the activation to <paramref name="read"/> and changes nothing.</summary>
    public static Hook Read(string name, Action<Tensor> read) => new(name, (x, _) => { read(x); return null; });

    private static Hook Declarative(string name, PatchSpec spec) => new(name, (x, _) => Apply(name, spec, x)) { Spec = spec };

    /// <summary>The managed engine's execution of a patch: edits <paramref name="x"/> in place, or returns a new tensor.</summary>
    private static Tensor Apply(string name, PatchSpec spec, Tensor x)
    {
        spec.Check(name, x.Shape);
        var source = spec.Source;
        switch (spec.Kind)
        {
            case PatchKind.Replace: return source!.Clone();
            case PatchKind.Zero: return Tensor.Zeros(x.Shape);
            case PatchKind.ReplaceHead:
                ForEachHeadSlice(name, x, spec.Index, (offset, length) => Array.Copy(source!.Data, offset, x.Data, offset, length));
                return x;
            case PatchKind.ZeroHead:
                ForEachHeadSlice(name, x, spec.Index, (offset, length) => Array.Clear(x.Data, offset, length));
                return x;
            case PatchKind.MeanHead:
                var mean = BatchMean(source!);
                ForEachHeadSlice(name, x, spec.Index, (offset, length) => Array.Copy(mean, offset % mean.Length, x.Data, offset, length));
                return x;
            case PatchKind.ReplacePosition:
                int batch = x.Shape[0], pos = x.Shape[1], inner = x.Length / Math.Max(1, batch * pos), p = spec.Index;
                for (int b = 0; b < batch; b++)
                    Array.Copy(source!.Data, (b * pos + p) * inner, x.Data, (b * pos + p) * inner, inner);
                return x;
            default: throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "unknown patch kind");
        }
    }

    // The source averaged over axis 0: one sequence's worth of values (in double, then float32).
    private static float[] BatchMean(Tensor source)
    {
        int batch = source.Shape[0], per = source.Length / batch;
        var sum = new double[per];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < per; i++) sum[i] += source.Data[b * per + i];
        return sum.Select(s => (float)(s / batch)).ToArray();
    }

    // (offset, length) of each contiguous run of the head's values in x; offset modulo one sequence's length is the
    // same place in a [1, ...] tensor, which is how the batch mean is read.
    private static void ForEachHeadSlice(string name, Tensor x, int head, Action<int, int> slice)
    {
        int axis = PatchSpec.HeadAxis(name);
        int heads = x.Shape[axis];
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= x.Shape[i];
        int inner = x.Length / Math.Max(1, outer * heads);
        for (int o = 0; o < outer; o++) slice((o * heads + head) * inner, inner);
    }
}
