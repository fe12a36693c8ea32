using Verification.Tensors;

namespace Verification.Lens.Hooks;

/// <summary>What a declarative patch does (see <see cref="Patch"/>).</summary>
public enum PatchKind
{
    /// <summary>The whole activation becomes the source.</summary>
    Replace,
    /// <summary>One head's slice becomes the source's.</summary>
    ReplaceHead,
    /// <summary>One position (axis 1 of [batch, pos, ...]) becomes the source's.</summary>
    ReplacePosition,
    /// <summary>The whole activation becomes zero.</summary>
    Zero,
    /// <summary>One head's slice becomes zero.</summary>
    ZeroHead,
    /// <summary>One head's slice becomes the source's slice averaged over the source's batch (per position).</summary>
    MeanHead,
}

/// <summary>
/// A patch as data: its kind, its source activation (Replace*, MeanHead) and the head or position it touches. The checks
/// here are shared by both engines, so a bad patch fails with the same message on either.
/// </summary>
public sealed record PatchSpec(PatchKind Kind, Tensor? Source = null, int Index = -1)
{
    /// <summary>The head axis of a head-indexed activation: 1 for [batch, head, q, k], 2 for [batch, pos, head, ...].</summary>
    public static int HeadAxis(string name)
    {
        if (name.EndsWith("hook_pattern", StringComparison.Ordinal) || name.EndsWith("hook_attn_scores", StringComparison.Ordinal)) return 1;
        if (name.EndsWith("hook_q", StringComparison.Ordinal) || name.EndsWith("hook_k", StringComparison.Ordinal)
            || name.EndsWith("hook_v", StringComparison.Ordinal) || name.EndsWith("hook_z", StringComparison.Ordinal)
            || name.EndsWith("hook_result", StringComparison.Ordinal)) return 2;
        throw new ArgumentException($"'{name}' has no head axis");
    }

    /// <summary>Throws when this patch cannot apply to an activation of <paramref name="shape"/> at hook point <paramref name="name"/>.</summary>
    public void Check(string name, ReadOnlySpan<int> shape)
    {
        switch (Kind)
        {
            case PatchKind.Replace: SameShape(name, shape); break;
            case PatchKind.ReplaceHead: SameShape(name, shape); HeadInRange(name, shape); break;
            case PatchKind.ZeroHead: HeadInRange(name, shape); break;
            case PatchKind.MeanHead:
                HeadInRange(name, shape);
                if (Source!.Rank != shape.Length || Source.Shape[0] == 0 || !Source.Shape.AsSpan(1).SequenceEqual(shape[1..]))
                    throw new ArgumentException($"mean-ablation source for '{name}' has shape {Source.ShapeString}; it needs the activation's shape {Format(shape)} but for the batch");
                break;
            case PatchKind.ReplacePosition:
                SameShape(name, shape);
                if (HeadAxisOrNull(name) == 1)
                    throw new ArgumentException($"'{name}' is [batch, head, q, k]: patch a position of a [batch, pos, ...] activation instead");
                if ((uint)Index >= (uint)shape[1]) throw new ArgumentOutOfRangeException("position", $"position {Index} outside 0..{shape[1] - 1}");
                break;
        }
    }

    private static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    private static int? HeadAxisOrNull(string name)
    {
        try { return HeadAxis(name); } catch (ArgumentException) { return null; }
    }

    private void SameShape(string name, ReadOnlySpan<int> shape)
    {
        if (!shape.SequenceEqual(Source!.Shape))
            throw new ArgumentException($"patch source for '{name}' has shape {Source.ShapeString}, the activation is {Format(shape)}");
    }

    private void HeadInRange(string name, ReadOnlySpan<int> shape)
    {
        int heads = shape[HeadAxis(name)];
        if ((uint)Index >= (uint)heads) throw new ArgumentOutOfRangeException("head", $"head {Index} outside 0..{heads - 1}");
    }
}
