using Verification.Lens.Weights;
using Verification.Tensors;

namespace Verification.Experiments;

/// <summary>
/// A head's d_model × d_model circuits in TransformerLens's right-multiplying convention (x·W): OV = W_V·W_O (what it writes
/// for what it reads) and QK = W_Q·W_Kᵀ (query-side residual · key-side residual), as factored matrices of rank d_head.
/// </summary>
public static class HeadCircuits
{
    public static FactoredMatrix OV(TransformerWeights w, HeadRef h)
    {
        var b = Block(w, h);
        return new FactoredMatrix(Slice(b.W_V, h.Head), Slice(b.W_O, h.Head), b.W_V.Shape[1], b.W_V.Shape[2], b.W_O.Shape[2]);
    }

    public static FactoredMatrix QK(TransformerWeights w, HeadRef h)
    {
        var b = Block(w, h);
        int d = b.W_Q.Shape[1], dh = b.W_Q.Shape[2];
        var kT = new float[dh * d];
        var k = Slice(b.W_K, h.Head); // [d, dh]
        for (int m = 0; m < d; m++)
            for (int e = 0; e < dh; e++) kT[e * d + m] = k[m * dh + e];
        return new FactoredMatrix(Slice(b.W_Q, h.Head), kT, d, dh, d);
    }

    /// <summary>One head's [rows, cols] slice of a [head, rows, cols] weight, copied.</summary>
    public static float[] Slice(Tensor perHead, int head)
    {
        int size = perHead.Shape[1] * perHead.Shape[2];
        if ((uint)head >= (uint)perHead.Shape[0]) throw new ArgumentOutOfRangeException(nameof(head), $"head {head} outside 0..{perHead.Shape[0] - 1}");
        return perHead.Data.AsSpan(head * size, size).ToArray();
    }

    private static BlockWeights Block(TransformerWeights w, HeadRef h)
    {
        if ((uint)h.Layer >= (uint)w.Blocks.Length) throw new ArgumentOutOfRangeException(nameof(h), $"layer {h.Layer} outside 0..{w.Blocks.Length - 1}");
        return w.Blocks[h.Layer];
    }
}
