namespace Verification.Tensors.Backends;

/// <summary>
/// Which backend the process uses. The managed kernels by default: within OpenBLAS's speed on the models' shapes, and
/// bit-identical whatever the thread count, which golden numbers need (OpenBLAS's last bits change with its thread count).
/// VERIFICATION_BACKEND=openblas picks OpenBLAS (Debian libopenblas0-pthread) with its thread count pinned to
/// VERIFICATION_THREADS or the processor count, so its results repeat on one machine.
/// VERIFICATION_BACKEND=torch runs model forwards on libtorch (Verification.Torch); what stays managed then uses these kernels.
/// </summary>
public static class Compute
{
    private static IComputeBackend? _backend;

    public static IComputeBackend Backend
    {
        get => _backend ??= Choose();
        set => _backend = value;
    }

    /// <summary>Threads the kernels may use: VERIFICATION_THREADS, else every processor.</summary>
    public static int Threads =>
        int.TryParse(Environment.GetEnvironmentVariable("VERIFICATION_THREADS"), out int t) && t > 0 ? t : Environment.ProcessorCount;

    private static IComputeBackend Choose()
    {
        var requested = Environment.GetEnvironmentVariable("VERIFICATION_BACKEND")?.Trim().ToLowerInvariant();
        if (requested == "openblas")
        {
            if (!OpenBlasBackend.TryCreate(out var blas))
                throw new InvalidOperationException("VERIFICATION_BACKEND=openblas but libopenblas could not be loaded (apt-get install libopenblas0-pthread)");
            if (OpenBlasThreads.Available) OpenBlasThreads.Count = Threads;
            return blas!;
        }
        if (requested is not (null or "" or "managed" or "torch"))
            throw new InvalidOperationException($"VERIFICATION_BACKEND='{requested}' is not a backend (managed, openblas, torch)");
        return new ManagedBackend(Threads);
    }
}
