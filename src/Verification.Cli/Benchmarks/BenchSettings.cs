namespace Verification.Cli.Benchmarks;

/// <summary>What one `bench` run measures and how: sizes, threads, repetitions, and the PyTorch peer to run beside it.</summary>
public sealed record BenchSettings
{
    public required string ModelDirectory { get; init; }
    public int Batch { get; init; } = 32;
    public int Sequence { get; init; } = 256;
    /// <summary>Threads for our kernels, PyTorch and OpenBLAS alike.</summary>
    public int Threads { get; init; } = 2;
    /// <summary>Timed repetitions per forward mode after one warm-up; the best is kept (the machine is shared).</summary>
    public int Repetitions { get; init; } = 3;
    /// <summary>Rounds of (our engine, then the peer): alternating lets both see the same load; each keeps its best.</summary>
    public int Rounds { get; init; } = 3;
    /// <summary>Timed repetitions of the whole patching sweep.</summary>
    public int SweepRepetitions { get; init; } = 1;
    /// <summary>Seed of the benchmark's random tokens (SeededRandom).</summary>
    public ulong Seed { get; init; } = 20261202;
    /// <summary>Python with torch for the peer (Debian's python3-torch), or null to run without the peer.</summary>
    public string? PeerPython { get; init; } = TorchPeer.DefaultPython;
    /// <summary>What to measure (<see cref="BenchModes"/>); all by default.</summary>
    public IReadOnlySet<string> Modes { get; init; } = new HashSet<string>(BenchModes.All);

    public bool Measures(string mode) => Modes.Contains(mode);
    public IReadOnlyList<ForwardMode> ForwardModes => ForwardMode.All.Where(m => Measures(m.Option)).ToList();

    public void Validate()
    {
        if (Batch <= 0) throw new ArgumentException($"--batch must be positive, got {Batch}");
        if (Sequence <= 0) throw new ArgumentException($"--seq must be positive, got {Sequence}");
        if (Threads <= 0) throw new ArgumentException($"--threads must be positive, got {Threads}");
        if (Repetitions <= 0) throw new ArgumentException($"--reps must be positive, got {Repetitions}");
        if (Rounds <= 0) throw new ArgumentException($"--rounds must be positive, got {Rounds}");
        if (SweepRepetitions <= 0) throw new ArgumentException($"--sweep-reps must be positive, got {SweepRepetitions}");
    }
}
