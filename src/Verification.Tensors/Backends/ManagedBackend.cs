namespace Verification.Tensors.Backends;

/// <summary>
/// Pure managed kernels: no native dependency. Gemm is a blocked, packed, register-tiled SGEMM
/// (AVX2+FMA micro-kernel, portable Vector128 fallback) that runs on several threads.
/// Results are bit-identical whatever <see cref="MaxDegreeOfParallelism"/> is: threads split only the
/// output tiles, and every output element is summed in the same order however the work is divided.
/// </summary>
public sealed class ManagedBackend : IComputeBackend
{
    private int _maxDegreeOfParallelism;

    /// <param name="maxDegreeOfParallelism">Most threads one Gemm may use; 0 or less means all processors.</param>
    public ManagedBackend(int maxDegreeOfParallelism = 0)
    {
        MaxDegreeOfParallelism = maxDegreeOfParallelism;
    }

    public string Name => "managed";

    public int MaxThreads => _maxDegreeOfParallelism;

    /// <summary>One thread, the same kernel: per-element arithmetic is identical, so results do not change.</summary>
    public IComputeBackend SingleThreaded
    {
        get
        {
            if (_maxDegreeOfParallelism == 1) return this;
            if (_singleThreaded?.ForcePortableKernel != ForcePortableKernel)
                _singleThreaded = new ManagedBackend(1) { ForcePortableKernel = ForcePortableKernel };
            return _singleThreaded;
        }
    }

    private ManagedBackend? _singleThreaded;

    /// <summary>Most threads one Gemm may use; 0 or less means <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        set => _maxDegreeOfParallelism = value <= 0 ? Environment.ProcessorCount : value;
    }

    /// <summary>Which micro-kernel runs: the AVX2+FMA one when the CPU has it, else the portable one.</summary>
    public string KernelName => ForcePortableKernel || !GemmKernels.Avx2Available ? "portable-vector128" : "avx2-fma-6x16";

    /// <summary>Tests use this to exercise the portable kernel on machines that have AVX2.</summary>
    internal bool ForcePortableKernel { get; set; }

    public void Gemm(bool transA, bool transB, int m, int n, int k,
                     ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
                     Span<float> c, int ldc, float beta = 0f)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        var kernel = ForcePortableKernel || !GemmKernels.Avx2Available ? GemmKernel.Portable : GemmKernel.Avx2Fma;
        BlockedGemm.Run(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, beta, _maxDegreeOfParallelism, kernel);
    }
}
