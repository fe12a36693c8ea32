using Verification.Claims.Framework;
using Verification.Claims.Golden;
using Verification.Cli.Claims;

namespace Verification.Specs;

/// <summary>
/// What every claim test shares: the models (each loaded once, on first use), the golden store of the checkout and the run
/// context. Sizes are CI's unless VERIFICATION_SIZE=full (then golden numbers are not compared); the seed is the default.
/// </summary>
public static class SpecSession
{
    private static readonly Lazy<IReadOnlyList<ModelTarget>> LazyTargets = new(() => ClaimTargets.Discover());

    public static IReadOnlyList<ModelTarget> Targets => LazyTargets.Value;

    public static RunSize Size { get; } =
        string.Equals(Environment.GetEnvironmentVariable("VERIFICATION_SIZE"), "full", StringComparison.OrdinalIgnoreCase) ? RunSize.Full : RunSize.Ci;

    public static GoldenStore Golden { get; } = new(GoldenStore.FindRepositoryDirectory()
        ?? throw new InvalidOperationException("golden/ not found: the specs run from a checkout (Verification.sln above the binaries)"));

    private static readonly ClaimRunner Runner = new(Golden, new ClaimRunContext(Size, ClaimRunContext.DefaultSeed) { Targets = Targets });

    public static ClaimResult Run(string claim, string model) =>
        Runner.Run(ClaimCatalog.Get(claim), Targets.Single(t => t.Name == model));
}
