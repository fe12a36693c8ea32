using System.Collections.Concurrent;
using Verification.Lens;
using Verification.Lens.Weights;

namespace Verification.Tests.Lens;

/// <summary>Fixture models loaded once per test run (raw and TransformerLens-processed).</summary>
public static class FixtureModels
{
    public static readonly string[] Names = { "attn-only-2l-mini", "gpt2-mini", "attn-only-2l-induction",
        "ground-truth/attn-only-2l-circuits", "ground-truth/attn-only-2l-circuits-no-previous-token" };

    private static readonly ConcurrentDictionary<(string, bool), Lazy<HookedTransformer>> Cache = new();

    public static HookedTransformer Raw(string name) => Get(name, processed: false);
    public static HookedTransformer Processed(string name) => Get(name, processed: true);

    private static HookedTransformer Get(string name, bool processed) =>
        Cache.GetOrAdd((name, processed), key => new Lazy<HookedTransformer>(() =>
            ModelLoader.Load(RepoPaths.Fixture(key.Item1), key.Item2 ? WeightProcessingOptions.Default : WeightProcessingOptions.None))).Value;
}
