using System.Collections.Concurrent;
using Verification.Lens;
using Verification.Lens.Weights;
using Verification.Tests.Lens;
using Verification.Torch;

namespace Verification.Tests.Torch;

/// <summary>The fixture models on the libtorch engine (CPU), loaded once per run; separate objects from the managed ones.</summary>
public static class TorchFixtureModels
{
    private static readonly ConcurrentDictionary<(string, bool), Lazy<HookedTransformer>> Cache = new();

    public static HookedTransformer Raw(string name) => Get(name, processed: false);
    public static HookedTransformer Processed(string name) => Get(name, processed: true);

    private static HookedTransformer Get(string name, bool processed) =>
        Cache.GetOrAdd((name, processed), key => new Lazy<HookedTransformer>(() =>
        {
            var m = ModelLoader.Load(RepoPaths.Fixture(key.Item1), key.Item2 ? WeightProcessingOptions.Default : WeightProcessingOptions.None);
            TorchEngine.Attach(m, "cpu");
            return m;
        })).Value;
}
