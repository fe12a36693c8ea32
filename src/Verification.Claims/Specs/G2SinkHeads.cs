using Verification.Claims.Framework;
using Verification.Experiments;
using DatasetRegistry = Verification.Hub.DatasetRegistry;
using Verification.Lens;

namespace Verification.Claims.Specs;

/// <summary>
/// What G2 and G3 measure on: the induction heads and the text. The document takes "the induction heads that were
/// identified in the section above" (G1's detector, score ≥ 0.4) and 128 tokens of Pile-10k, batch 1.
/// Heads: on gpt2-small the published five (5.1, 5.5, 6.9, 7.2, 7.10: other published work), each checked to be an
/// induction head; elsewhere every head after layer 0 scoring ≥ 0.4, with a check that one exists (with none the claims
/// fail on that check, rather than measuring whichever head scores highest, which on a model without induction heads is an
/// arbitrary, possibly all-zero head).
/// Text: on gpt2-small Pile-10k's documents; elsewhere held-out English windows with every repeated token dropped.
/// </summary>
internal static class SinkHeads
{
    private static readonly HeadRef[] Gpt2Small = { new(5, 1), new(5, 5), new(6, 9), new(7, 2), new(7, 10) };
    public const string Corpus = "corpus/eval-english.txt";

    /// <summary>The heads to measure, where they came from, and the checks that they are induction heads (part of the verdict).</summary>
    public sealed record Selection(IReadOnlyList<HeadRef> Heads, string Source, IReadOnlyList<ClaimCheck> Checks);

    /// <summary>The windows to measure on and how they were chosen.</summary>
    public sealed record Text(Tokens Tokens, string Protocol);

    public static Selection For(ModelTarget target, ClaimRunContext context)
    {
        var roles = SharedRuns.Roles(target.Model, context.Seed);
        double Score(HeadRef h) => roles.Score(h).Induction;
        string probe = $"induction score (attention from i + N to i + 1) on {roles.Protocol.Describe()}";
        if (target.Name == "gpt2-small")
        {
            var checks = Gpt2Small.Select(h => new ClaimCheck($"{h} is an induction head", Score(h) >= G1InductionMap.Threshold, $"{Score(h):F3}",
                $"≥ {G1InductionMap.Threshold} (threshold: document; head list: other published work)", CheckOwner.OtherPublished)).ToList();
            return new Selection(Gpt2Small, $"gpt2-small's published induction heads 5.1, 5.5, 6.9, 7.2, 7.10 (other published work; {probe})", checks);
        }
        var strong = roles.Scores.Where(s => s.Layer > 0 && s.Induction >= G1InductionMap.Threshold)
            .Select(s => new HeadRef(s.Layer, s.Head)).ToList();
        var best = roles.Scores.Where(s => s.Layer > 0).MaxBy(s => s.Induction)!;
        var exists = new ClaimCheck("an induction head exists", strong.Count > 0,
            strong.Count > 0 ? $"{strong.Count}: {string.Join(", ", strong.Select(h => $"{h} {Score(h):F2}"))}" : $"none; best L{best.Layer}H{best.Head} {best.Induction:F3}",
            $"≥ 1 head after layer 0 with score ≥ {G1InductionMap.Threshold}", CheckOwner.Document);
        return new Selection(strong, strong.Count > 0
            ? $"the heads after layer 0 whose {probe} is ≥ {G1InductionMap.Threshold}"
            : $"none: no head after layer 0 reaches {G1InductionMap.Threshold} ({probe})", new[] { exists });
    }

    /// <summary>The text windows, or null with the reason when the document's dataset is absent (gpt2-small without Pile-10k).</summary>
    public static Text? Windows(ModelTarget target, ClaimRunContext context, out string notRun)
    {
        notRun = "";
        int length = Math.Min(128, target.Model.Config.NCtx), windows = context.Pick(ci: 8, full: 32);
        if (target.Name == "gpt2-small") return PileWindows(target.Model, context, windows, length, out notRun);

        var root = ModelCatalog.FindFixturesDirectory()
            ?? throw new InvalidOperationException($"the held-out corpus fixtures/{Corpus} is not found (set VERIFICATION_FIXTURES)");
        var tokens = AttentionSink.RepeatFreeWindows(target.Model, File.ReadAllText(Path.Combine(root, Corpus)), windows, length);
        return new Text(tokens, $"{windows} windows of fixtures/{Corpus}, each BOS + {length - 1} tokens with no token repeated (walking the text in order, " +
                                "a token already in the window is skipped), so no induction input is present; window 1 stands for the document's batch 1 × " +
                                $"{length} (the document's text, Pile-10k, is the published form's); no randomness");
    }

    /// <summary>
    /// The document's text: the first <paramref name="windows"/> Pile-10k documents (file order) that have at least length − 1
    /// tokens, each as BOS + its first length − 1 tokens; one window is the document's batch 1 × 128, the others repeat it on
    /// the next documents.
    /// </summary>
    private static Text? PileWindows(HookedTransformer model, ClaimRunContext context, int windows, int length, out string notRun)
    {
        var dataset = DatasetRegistry.Pile10k;
        var documents = context.Datasets.Open(dataset, out var absent);
        if (documents == null)
        {
            notRun = DatasetAbsent(absent);
            return null;
        }
        notRun = "";
        var tokenizer = model.Tokenizer ?? throw new InvalidOperationException($"model '{model.Name}' has no tokenizer to read Pile-10k with");
        int bos = model.BosTokenId ?? throw new InvalidOperationException($"model '{model.Name}' has no BOS token");
        int body = length - 1, read = 0;
        var rows = new List<int[]>();
        foreach (var text in documents.Texts)
        {
            read++;
            var ids = tokenizer.Encode(text);
            if (ids.Count < body) continue;
            rows.Add(new[] { bos }.Concat(ids.Take(body)).ToArray());
            if (rows.Count == windows) break;
        }
        if (rows.Count < windows)
            throw new InvalidDataException($"{documents.Description}: only {rows.Count} of its {read} documents have ≥ {body} tokens; {windows} are needed");
        return new Text(Tokens.FromRows(rows), $"the first {windows} documents of {documents.Description} with ≥ {body} tokens ({read} read, in file order), " +
                                               $"each BOS + its first {body} tokens (the document's text and length: Pile-10k, batch 1 × {length}, here " +
                                               $"{windows} such batches); natural text, repeats included; no randomness");
    }

    public static string DatasetAbsent(string why) =>
        "not run: dataset absent (the document's text is a subset of Hugging Face dataset NeelNanda/pile-10k, batch 1 × 128 tokens; " +
        $"pull it with: verification datasets pull NeelNanda/pile-10k): {why}";
}
