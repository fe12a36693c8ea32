using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>K1: on repeated random value tokens, Chronos models have induction heads, more in larger models.</summary>
public sealed class K1ChronosInductionHeads : ChronosSpec
{
    /// <summary>The document's other low end of the value-token range ("between 1911 and 2187").</summary>
    public const int OtherLow = 1911;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "K1",
        Title = "Chronos induction heads",
        Source = "[003] Chronos: induction heads in a time-series model",
        Statement = "On the encoder input, repeated random tokens drawn from ids 1910-2187 (the document also gives 1911 as the low end; length 10, " +
                    "twice, then the first token again, then EOS; the decoder gets its start token and the next token) reveal induction heads in " +
                    "Chronos, and their count grows with model size.",
        PublishedModel = "chronos-t5-{tiny,mini,small,base,large}",
        Published = new[]
        {
            new PublishedNumber("threshold", ChronosInduction.Threshold, "the document's: attention ≥ 0.3 to the latest earlier occurrence or the token after it"),
        },
        Rule = "A head is an induction head when the query's mean attention (over the batch) to the most recent earlier occurrence of its token, or " +
               "to the token after it, is ≥ 0.3 (the document's definition and threshold; the larger of the two means, as its code reads its two " +
               "mosaics). Queries: in the encoder the final repeated token (the one before EOS, never EOS itself); in cross-attention the decoder's " +
               "token B, to the encoder's most recent B (the document's \"<DEC_START>B\"); in decoder self-attention (ours: the document runs RRT on " +
               "the encoder side) the same ids fed to the decoder after its start token, from their final repeated token. Tokens come from 1910-2187 " +
               "and again from 1911-2187 (the document gives both low ends); a T5 without chronos_config draws from its own ids above the special " +
               "tokens (ours). Any model: at least one induction head with each low end (the document's \"stronger evidence of induction heads\"). " +
               "A published chronos-t5-* model (or a stand-in for one) also: no fewer induction heads than each smaller chronos-t5 size in the run, " +
               "and no more than each larger one (the document's \"the number of induction heads increases with the size\"; comparing the sizes " +
               "present pairwise, ties allowed, is ours). Batch 32 in CI, 100 in full (the document's code).",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.EncoderDecoder;
        var protocol = ChronosRuns.K1(model, context);
        var scores = ChronosRuns.K1Scores(model, context);
        var induction = scores.Where(s => s.IsInduction).ToList();
        bool documentRange = protocol.Low == ChronosInduction.RangeLow;
        var other = documentRange ? ChronosRuns.K1Scores(model, context, OtherLow) : null;
        var otherInduction = other?.Where(s => s.IsInduction).ToList();
        var best = scores.MaxBy(s => s.Score)!;

        var checks = new List<ClaimCheck>
        {
            new($"induction heads exist (ids {protocol.Low}-{protocol.High})", induction.Count > 0,
                induction.Count > 0 ? $"{induction.Count}: {Names(induction, 6)}" : $"none; best {best.Label} {best.Score:F3}",
                $"≥ 1 head with score ≥ {ChronosInduction.Threshold}", documentRange ? CheckOwner.Document : CheckOwner.Ours),
        };
        if (otherInduction != null)
            checks.Add(new ClaimCheck($"induction heads exist (ids {OtherLow}-{protocol.High}, the document's other low end)", otherInduction.Count > 0,
                otherInduction.Count > 0 ? $"{otherInduction.Count}: {Names(otherInduction, 6)}" : $"none; best {other!.MaxBy(s => s.Score)!.Label} {other!.Max(s => s.Score):F3}",
                $"≥ 1 head with score ≥ {ChronosInduction.Threshold}", CheckOwner.Document));

        var sizes = new List<(string Name, int Count)>();
        string sizeNote = "";
        if (IsPublishedChronos(target))
        {
            sizes.Add((target.Name, induction.Count));
            foreach (var sibling in context.Targets.Where(t => t != target && IsPublishedChronos(t) && t.Available && t.Name != target.Name))
            {
                int count;
                try { count = ChronosRuns.K1Scores(sibling.EncoderDecoder, context).Count(s => s.IsInduction); }
                catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or Verification.Loading.ModelFormatException)
                { sizeNote += $" {sibling.Name} could not be measured ({e.Message})."; continue; }
                sizes.Add((sibling.Name, count));
                int mine = Array.IndexOf(Sizes, target.Name), theirs = Array.IndexOf(Sizes, sibling.Name);
                bool smaller = theirs < mine;
                checks.Add(new ClaimCheck(smaller ? $"no fewer induction heads than the smaller {sibling.Name}" : $"no more induction heads than the larger {sibling.Name}",
                    smaller ? induction.Count >= count : induction.Count <= count, $"{target.Name} {induction.Count}, {sibling.Name} {count}",
                    smaller ? $"≥ {count}" : $"≤ {count}", CheckOwner.Document));
            }
            if (sizes.Count == 1) sizeNote = $" Growth with size not judged: no other chronos-t5 size is in this run (verification models pull chronos-t5-mini, say).";
        }

        var verdict = ClaimOutcome.Judge(checks);
        string kinds = string.Join("; ", Enum.GetValues<T5AttentionKind>().Select(k => $"{ChronosHeadScore.KindTitle(k)} {induction.Count(h => h.Kind == k)}"));
        string reason = (verdict == Verdict.Holds
            ? $"{induction.Count} induction head(s) ≥ {ChronosInduction.Threshold} with ids {protocol.Low}-{protocol.High}: {Names(induction)} ({kinds})" +
              (otherInduction != null ? $"; {otherInduction.Count} with ids {OtherLow}-{protocol.High}" : "")
            : ClaimOutcome.FailedText(checks)) +
            (sizes.Count > 1 ? ". By size: " + string.Join(", ", sizes.OrderBy(s => Array.IndexOf(Sizes, s.Name)).Select(s => $"{s.Name} {s.Count}")) : "") + "." + sizeNote;

        var measured = new List<MeasuredNumber>
        {
            new("induction heads (count)", induction.Count, 0),
        };
        foreach (var k in Enum.GetValues<T5AttentionKind>())
            measured.Add(new MeasuredNumber($"induction heads, {ChronosHeadScore.KindTitle(k)} (count)", induction.Count(h => h.Kind == k), 0));
        if (otherInduction != null) measured.Add(new MeasuredNumber($"induction heads with ids {OtherLow}-{protocol.High} (count)", otherInduction.Count, 0));
        measured.AddRange(scores.Select(s => new MeasuredNumber($"{s.Label} score", s.Score, 1e-4, s.StandardError,
            $"current {s.Current:F4} ± {s.CurrentSe:F4}, next {s.Next:F4} ± {s.NextSe:F4}")));

        var figures = Mosaics(model, scores, target.Name, $"the larger of the mean attention to the latest earlier occurrence and to the token after it; " +
                                                         $"≥ {ChronosInduction.Threshold} is an induction head; {protocol.Batch} sequences").ToList();
        if (sizes.Count > 1)
        {
            var ordered = sizes.OrderBy(s => Array.IndexOf(Sizes, s.Name)).ToList();
            figures.Add(new BarChartFigure("Induction heads by model size", "the document: the count grows with size",
                ordered.Select(s => s.Name).ToArray(), ordered.Select(s => (double)s.Count).ToArray(), "induction heads", "model"));
        }
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = reason,
            Checks = checks,
            Protocol = protocol.Describe() + (otherInduction != null ? $"; again with ids {OtherLow}-{protocol.High}" : "") +
                       "; score = max(mean attention to m, mean attention to m + 1) over the batch (± s.e. of that mean)",
            Measured = measured,
            Figures = figures,
        };
    }
}
