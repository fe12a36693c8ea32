using Verification.Lens;

namespace Verification.Cli.Benchmarks;

/// <summary>The three forward passes the benchmark times, each with full logits [batch, pos, d_vocab].</summary>
public sealed record ForwardMode(string Key, string Option, string Label, Func<string, bool>? CacheFilter)
{
    public static readonly ForwardMode NoCache = new("no_cache", BenchModes.NoCache, "forward, no cache", null);
    public static readonly ForwardMode FullCache = new("full_cache", BenchModes.FullCache, "forward, full activation cache", _ => true);
    public static readonly ForwardMode PatternsOnly = new("patterns_only", BenchModes.Patterns, "forward, attention patterns only",
        n => n.EndsWith(".hook_pattern", StringComparison.Ordinal));

    public static IReadOnlyList<ForwardMode> All { get; } = new[] { NoCache, FullCache, PatternsOnly };

    public (Tensors.Tensor Logits, ActivationCache? Cache) Run(HookedTransformer model, Tokens tokens) =>
        model.Run(tokens, new ForwardOptions { CacheFilter = CacheFilter });
}
