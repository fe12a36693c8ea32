namespace Verification.Tensors.Backends;

/// <summary>
/// The seam between the model and its kernels: every heavy operation goes through one of these,
/// so another backend (CUDA, say) can replace the CPU one without touching the model.
/// All matrices are row-major. Results must not depend on the thread count.
/// </summary>
public interface IComputeBackend
{
    string Name { get; }

    /// <summary>C[m,n] = op(A)[m,k] · op(B)[k,n] + beta·C, row-major, op = transpose when asked.</summary>
    void Gemm(bool transA, bool transB, int m, int n, int k,
              ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
              Span<float> c, int ldc, float beta = 0f);

    /// <summary>Most threads one <see cref="Gemm"/> call may use.</summary>
    int MaxThreads => 1;

    /// <summary>
    /// The same kernels on the calling thread only, safe to call from several threads at once: callers with many small
    /// independent products (attention's per-head ones) run those in parallel instead. Null where the backend cannot
    /// (OpenBLAS keeps one process-wide pool): then call <see cref="Gemm"/> one product at a time.
    /// </summary>
    IComputeBackend? SingleThreaded => null;
}
