using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Verification.Claims.Framework;
using Verification.Experiments;
using Verification.Lens;

namespace Verification.Claims.Specs;

/// <summary>
/// The heads the [001] claims are about: on attn-only-2l the document's (L1H6 induction, L0H3 previous-token, L0H0
/// look-back-two); on any other model the ones HeadRoles detects at the run's seed.
/// </summary>
internal sealed record CircuitHeads(HeadRef Induction, HeadRef PreviousToken, HeadRef LookBackTwo, bool Published, string Source)
{
    public static CircuitHeads For(ModelTarget target, ClaimRunContext context)
    {
        if (target.Name == "attn-only-2l")
            return new CircuitHeads(new HeadRef(1, 6), new HeadRef(0, 3), new HeadRef(0, 0), true, "the document's heads: induction L1H6, previous-token L0H3, look-back-two L0H0");
        var roles = SharedRuns.Roles(target.Model, context.Seed);
        return new CircuitHeads(roles.Induction, roles.PreviousToken, roles.LookBackTwo, false, roles.Describe());
    }
}

/// <summary>
/// Measurements several claims read, computed once per model, size and seed (HeadRoles for every generic claim; the
/// per-length patching of the A6 sequences for A1 and A7), so the CI suite does not pay for them twice.
/// </summary>
internal static class SharedRuns
{
    /// <summary>Seed offset of the A6/A7/A1 length sequences (length L uses Seed + LengthSeed + L).</summary>
    public const ulong LengthSeed = 600;

    private static readonly ConditionalWeakTable<HookedTransformer, ConcurrentDictionary<string, Lazy<object>>> Memo = new();

    /// <summary>Computes <paramref name="compute"/> once per model and key (thread-safe), for measurements several claims read.</summary>
    public static T Once<T>(HookedTransformer model, string key, Func<T> compute) where T : class =>
        (T)Memo.GetOrCreateValue(model).GetOrAdd(key, _ => new Lazy<object>(() => compute(), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public static HeadRoles Roles(HookedTransformer model, ulong seed) => Once(model, $"roles/{seed}", () => HeadRoles.Find(model, seed));

    /// <summary>Per-head patching of the A6 sequences at each length (clean = the sequence, corrupted = last A → C).</summary>
    public static IReadOnlyDictionary<int, PatchingMaps> LengthPatching(HookedTransformer model, ClaimRunContext context, IReadOnlyList<int> lengths, int batch) =>
        Once(model, $"length-patching/{context.Seed}/{batch}/{string.Join(",", lengths)}", () =>
            (IReadOnlyDictionary<int, PatchingMaps>)lengths.ToDictionary(l => l, l => ActivationPatching.Run(model, LengthTask(model, context, l, batch))));

    public static PatchingTask LengthTask(HookedTransformer model, ClaimRunContext context, int length, int batch) =>
        SequenceTasks.Lengths(TokenPool.For(model), batch, length, context.Seed + LengthSeed + (ulong)length);

    /// <summary>How far a normalised patching number may move: 1e-3 in logit-diff units, scaled by 1 / |clean − corrupted|.</summary>
    public static double PatchingTolerance(PatchingMaps maps) => 1e-3 * Math.Max(1, 1 / Math.Max(1e-6, Math.Abs(maps.CleanLogitDiff - maps.CorruptedLogitDiff)));
}
