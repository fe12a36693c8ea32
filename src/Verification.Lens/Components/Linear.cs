using Verification.Tensors.Backends;
using Verification.Tensors.Ops;

namespace Verification.Lens.Components;

/// <summary>
/// y[rows, n] = x[rows, k] · W[k, n] + b: the one matrix product every component uses.
/// y is allocated uninitialised: a Gemm with beta 0 overwrites every element (NaN included), so zeroing it first is wasted.
/// </summary>
internal static class Linear
{
    public static float[] Apply(ReadOnlySpan<float> x, int rows, int k, float[] w, int n, float[]? bias)
    {
        var y = GC.AllocateUninitializedArray<float>(rows * n);
        Compute.Backend.Gemm(false, false, rows, n, k, x, k, w, n, y, n);
        if (bias != null) RowOps.AddRowBias(y, bias);
        return y;
    }
}
