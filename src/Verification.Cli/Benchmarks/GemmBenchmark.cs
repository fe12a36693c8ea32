using System.Diagnostics;
using Verification.Experiments;
using Verification.Loading.Config;
using Verification.Tensors.Backends;

namespace Verification.Cli.Benchmarks;

/// <summary>SGEMM GFLOP/s of the managed kernel against OpenBLAS at the shapes one forward of this model runs.</summary>
public static class GemmBenchmark
{
    public sealed record Shape(string Name, int M, int N, int K, bool TransB = false)
    {
        public double Flops => 2.0 * M * N * K;
        public override string ToString() => $"{Name} {M}x{K}·{K}x{N}{(TransB ? " (Bᵀ)" : "")}";
    }

    /// <param name="OpenBlasGflops">Null where libopenblas is not loadable.</param>
    public sealed record Result(Shape Shape, double ManagedGflops, double? OpenBlasGflops)
    {
        public double? Ratio => OpenBlasGflops is { } blas ? ManagedGflops / blas : null;
    }

    /// <summary>The projections over all batch·pos rows, and one head's attention products.</summary>
    public static IReadOnlyList<Shape> ShapesFor(ModelConfig c, int batch, int seq)
    {
        int rows = batch * seq, hd = c.NHeads * c.DHead;
        var shapes = new List<Shape> { new("q/k/v", rows, hd, c.DModel), new("attn-out", rows, c.DModel, hd) };
        if (!c.AttnOnly) shapes.AddRange(new[] { new Shape("mlp-in", rows, c.DMlp, c.DModel), new Shape("mlp-out", rows, c.DModel, c.DMlp) });
        shapes.Add(new("unembed", rows, c.DVocab, c.DModel));
        shapes.Add(new("q·kᵀ", seq, seq, c.DHead, TransB: true));
        shapes.Add(new("pattern·v", seq, c.DHead, seq));
        return shapes;
    }

    public static IReadOnlyList<Result> Run(IEnumerable<Shape> shapes, int threads, int repetitions)
    {
        var managed = new ManagedBackend(threads);
        IComputeBackend? blas = OpenBlasBackend.TryCreate(out var b) ? b : null;
        if (blas is not null && OpenBlasThreads.Available) OpenBlasThreads.Count = threads;
        var rng = new SeededRandom(1234);
        var results = new List<Result>();
        foreach (var s in shapes)
        {
            var a = Fill(rng, s.M * s.K);
            var bm = Fill(rng, s.K * s.N);
            var c = new float[s.M * s.N];
            int ldb = s.TransB ? s.K : s.N;
            Action Gemm(IComputeBackend backend) => () => backend.Gemm(false, s.TransB, s.M, s.N, s.K, a, s.K, bm, ldb, c, s.N);
            // Small shapes are timed in batches so that one sample lasts ~50 ms; the two backends alternate so both see the same load.
            int inner = Math.Max(1, (int)(2.5e9 / s.Flops));
            double bestManaged = double.MaxValue, bestBlas = double.MaxValue;
            Gemm(managed)();
            if (blas is not null) Gemm(blas)();
            for (int r = 0; r < repetitions; r++)
            {
                bestManaged = Math.Min(bestManaged, Seconds(Gemm(managed), inner));
                if (blas is not null) bestBlas = Math.Min(bestBlas, Seconds(Gemm(blas), inner));
            }
            results.Add(new Result(s, s.Flops / bestManaged / 1e9, blas is null ? null : s.Flops / bestBlas / 1e9));
        }
        return results;
    }

    private static double Seconds(Action gemm, int inner)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < inner; i++) gemm();
        return sw.Elapsed.TotalSeconds / inner;
    }

    private static float[] Fill(SeededRandom rng, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
