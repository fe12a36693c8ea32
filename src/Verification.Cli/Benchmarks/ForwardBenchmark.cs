using Verification.Lens;

namespace Verification.Cli.Benchmarks;

/// <summary>Tokens per second of each forward mode, bytes allocated and GC pause per forward, and the memory of a full-cache run.</summary>
public static class ForwardBenchmark
{
    public sealed record ModeResult(double TokensPerSecond, double Seconds, long AllocatedBytesPerForward, double GcPauseSecondsPerForward);

    /// <param name="WeightBytes">float32 bytes of the model's weights.</param>
    /// <param name="CachedBytes">Bytes of the logits and every cached activation of one full-cache forward.</param>
    public sealed record MemoryResult(long WeightBytes, long CachedBytes, PeakMemory.Sample? Rss)
    {
        /// <summary>(weights + growth of resident memory during the run) / (weights + cached tensors): 1 is no overhead.</summary>
        public double? Ratio => Rss is null ? null : (double)(WeightBytes + Rss.GrowthBytes) / (WeightBytes + CachedBytes);
    }

    /// <summary>Run first in a fresh process: the resident-memory baseline should not hold earlier runs' heap.</summary>
    public static MemoryResult FullCacheMemory(HookedTransformer model, Tokens tokens)
    {
        long cached = 0;
        var sample = PeakMemory.During(() =>
        {
            var (logits, cache) = ForwardMode.FullCache.Run(model, tokens);
            cached = logits.Length * sizeof(float) + cache!.Bytes;
        });
        long weights = model.Weights.Named().Sum(t => (long)t.Tensor.Length) * sizeof(float);
        return new MemoryResult(weights, cached, sample);
    }

    public static ModeResult Time(HookedTransformer model, Tokens tokens, ForwardMode mode, int repetitions)
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var pause = GC.GetTotalPauseDuration();
        double seconds = Timing.BestSeconds(() => mode.Run(model, tokens), repetitions);
        int forwards = repetitions + 1;
        return new ModeResult(tokens.Batch * tokens.Length / seconds, seconds,
            (GC.GetTotalAllocatedBytes(precise: true) - allocated) / forwards,
            (GC.GetTotalPauseDuration() - pause).TotalSeconds / forwards);
    }
}
