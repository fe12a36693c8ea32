using Verification.Claims.Framework;
using Verification.Experiments;
using Verification.Lens;

namespace Verification.Claims.Specs;

/// <summary>
/// What G2 and G3 measure on: the induction heads (gpt2-small's published five; elsewhere every head after layer 0 whose
/// induction score reaches G1's 0.4, else the one HeadRoles detects) and windows of the fixtures' held-out English text.
/// </summary>
internal static class SinkHeads
{
    private static readonly HeadRef[] Gpt2Small = { new(5, 1), new(5, 5), new(6, 9), new(7, 2), new(7, 10) };
    public const string Corpus = "corpus/eval-english.txt";

    public sealed record Selection(IReadOnlyList<HeadRef> Heads, string Source);

    public static Selection For(ModelTarget target, ClaimRunContext context)
    {
        if (target.Name == "gpt2-small") return new Selection(Gpt2Small, "gpt2-small's published induction heads 5.1, 5.5, 6.9, 7.2, 7.10");
        var roles = SharedRuns.Roles(target.Model, context.Seed);
        var strong = roles.Scores.Where(s => s.Layer > 0 && s.Induction >= G1InductionMap.Threshold).Select(s => new HeadRef(s.Layer, s.Head)).ToList();
        return strong.Count > 0
            ? new Selection(strong, $"heads after layer 0 whose induction score (HeadScores: attention from i + N to i + 1) is ≥ {G1InductionMap.Threshold} on {roles.Protocol.Describe()}")
            : new Selection(new[] { roles.Induction }, $"no head reaches {G1InductionMap.Threshold}; the detected induction head: {roles.Describe()}");
    }

    /// <summary>
    /// The document's text is a subset of Pile-10k (NeelNanda/pile-10k), batch 1, 128 tokens: that is the published form, and the
    /// dataset is not pulled by this project yet, so on gpt2-small G2 and G3 say "not run: dataset absent". On every other model:
    /// windows of the held-out English text with every repeated token dropped (AttentionSink.RepeatFreeWindows), because
    /// repeated speaker names and words would feed the induction heads the very input the claim says is absent.
    /// </summary>
    public static (Tokens Tokens, string Protocol) Windows(HookedTransformer model, ClaimRunContext context)
    {
        var root = ModelCatalog.FindFixturesDirectory()
            ?? throw new InvalidOperationException($"the held-out corpus fixtures/{Corpus} is not found (set VERIFICATION_FIXTURES)");
        var text = File.ReadAllText(Path.Combine(root, Corpus));
        int length = Math.Min(128, model.Config.NCtx), windows = context.Pick(ci: 8, full: 32);
        var tokens = AttentionSink.RepeatFreeWindows(model, text, windows, length);
        return (tokens, $"{windows} windows of fixtures/{Corpus}, each BOS + {length - 1} tokens with no token repeated (walking the text in order, " +
                        "a token already in the window is skipped), so no induction input is present; window 1 stands for the document's batch 1 × " +
                        $"{length} (the document's text, Pile-10k, is not used here); no randomness");
    }

    public const string DatasetAbsent = "not run: dataset absent (the document's text is a subset of Hugging Face dataset NeelNanda/pile-10k, " +
                                        "batch 1 × 128 tokens; this project does not pull it yet)";
}
