using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Tensors.Backends;
using Verification.Tests.Tensors;

namespace Verification.Tests.Lens;

/// <summary>
/// Attention computes heads in parallel and skips the masked keys: neither may change a bit. Logits and patterns are
/// identical at 1, 2 and 3 threads, and identical whether the pattern lives in scratch, is cached, or is hooked (the
/// hooked path multiplies every key, masked zeros included).
/// </summary>
[Collection(nameof(ComputeStateCollection))]
public class ThreadIndependenceTests
{
    // 50 positions: more than one 48-row block of queries, and a ragged last block.
    private static Tokens Input(HookedTransformer m)
    {
        var ids = new int[3 * 50];
        for (int i = 0; i < ids.Length; i++) ids[i] = i % 50 == 0 ? 4095 : (i * 7919) % 4000;
        return new Tokens(ids, 3, 50);
    }

    public static TheoryData<string> Models() => new(FixtureModels.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void Logits_and_patterns_do_not_depend_on_the_thread_count(string model)
    {
        var m = FixtureModels.Raw(model);
        var tokens = Input(m);
        var runs = new[] { 1, 2, 3 }.Select(t => OnThreads(t, () =>
        {
            var (logits, cache) = m.RunWithCache(tokens, n => n.EndsWith("hook_pattern") || n.EndsWith("hook_z"));
            return (Logits: logits.Data, Pattern: cache.Pattern(m.Config.NLayers - 1).Data, Z: cache.Z(0).Data, Plain: m.Forward(tokens).Data);
        })).ToList();
        foreach (var (run, i) in runs.Skip(1).Select((r, i) => (r, i + 2)))
        {
            Bitwise.ShouldBeIdentical(run.Logits, runs[0].Logits, $"{model} logits, {i} threads vs 1");
            Bitwise.ShouldBeIdentical(run.Pattern, runs[0].Pattern, $"{model} last-layer pattern, {i} threads vs 1");
            Bitwise.ShouldBeIdentical(run.Z, runs[0].Z, $"{model} hook_z, {i} threads vs 1");
            Bitwise.ShouldBeIdentical(run.Plain, runs[0].Plain, $"{model} logits without cache, {i} threads vs 1");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Scratch_cached_and_hooked_attention_paths_agree_bit_for_bit(string model)
    {
        var m = FixtureModels.Raw(model);
        var tokens = Input(m);
        OnThreads(2, () =>
        {
            var plain = m.Forward(tokens).Data;
            var withPatterns = m.RunWithCache(tokens, n => n.EndsWith("hook_pattern")).Logits.Data;
            var withScores = m.RunWithCache(tokens, n => n.EndsWith("hook_attn_scores")).Logits.Data;
            // A read-only hook on every pattern makes attention multiply all keys, the masked zeros too.
            var hooks = Enumerable.Range(0, m.Config.NLayers).Select(l => Patch.Read(HookNames.Pattern(l), _ => { })).ToArray();
            var hooked = m.RunWithHooks(tokens, hooks).Data;
            var scoresHooks = Enumerable.Range(0, m.Config.NLayers).Select(l => Patch.Read(HookNames.AttnScores(l), _ => { })).ToArray();
            var scoresHooked = m.RunWithHooks(tokens, scoresHooks).Data;
            Bitwise.ShouldBeIdentical(withPatterns, plain, $"{model}: patterns cached vs scratch");
            Bitwise.ShouldBeIdentical(withScores, plain, $"{model}: scores cached vs scratch");
            Bitwise.ShouldBeIdentical(hooked, plain, $"{model}: every key multiplied vs masked keys skipped");
            Bitwise.ShouldBeIdentical(scoresHooked, plain, $"{model}: softmax over whole rows with −∞ vs over the live keys");
            return 0;
        });
    }

    private static T OnThreads<T>(int threads, Func<T> run)
    {
        var previous = Compute.Backend;
        Compute.Backend = new ManagedBackend(threads);
        try { return run(); }
        finally { Compute.Backend = previous; }
    }
}
