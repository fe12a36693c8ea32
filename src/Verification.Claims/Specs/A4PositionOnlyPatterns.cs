using System.Globalization;
using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>A4: on positional embeddings alone, the previous-token head attends one back and the look-back-two head two back (also one and three).</summary>
public sealed class A4PositionOnlyPatterns : DecoderClaimSpec
{
    public const double Strong = 0.3, Also = 0.05, MostQueries = 0.8;
    private const int MaxOffset = 3;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "A4",
        Title = "Position-only patterns",
        Source = "[001] attn-only-2l: induction circuits for longer sequences",
        Statement = "Running layer 0 on the positional embeddings alone (token embeddings zeroed), the previous-token head attends only to the " +
                    "previous token (except at positions 0 and 1) and the look-back-two head strongly two back, also one and three back.",
        PublishedModel = "attn-only-2l",
        Rule = $"Previous-token head: at every query q ≥ 2 its largest attention is to q − 1. Look-back-two head: its largest attention is to q − 2 at " +
               $"≥ {MostQueries:P0} of queries q ≥ 3, its mean attention two back (q ≥ {MaxOffset + 1}) ≥ {Strong}, and one and three back each ≥ {Also}. " +
               "The peaks are the document's; the fractions and levels are our thresholds. Heads: L0H3 and L0H0 on attn-only-2l, else the ones HeadRoles detects.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        var heads = CircuitHeads.For(target, context);
        int t = Math.Min(32, model.Config.NCtx);
        var pattern = PositionalOnly.Patterns(model, t);
        var prevPeaks = PositionalOnly.PeakOffsets(pattern, heads.PreviousToken.Head);
        var twoPeaks = PositionalOnly.PeakOffsets(pattern, heads.LookBackTwo.Head);
        var prev = AttentionByOffset.FromPatterns(new[] { pattern }, 0, heads.PreviousToken.Head, MaxOffset);
        var two = AttentionByOffset.FromPatterns(new[] { pattern }, 0, heads.LookBackTwo.Head, MaxOffset);

        var prevMisses = Enumerable.Range(2, t - 2).Where(q => prevPeaks[q] != 1).ToList();
        double twoShare = Enumerable.Range(3, t - 3).Count(q => twoPeaks[q] == 2) / (double)(t - 3);
        var checks = new List<ClaimCheck>
        {
            new($"{heads.PreviousToken} attends only to the previous token (q ≥ 2)", prevMisses.Count == 0,
                prevMisses.Count == 0 ? $"peaks one back at every q ≥ 2 (mean {prev.ByOffset[1]:F3})" : $"not at q = {string.Join(", ", prevMisses.Take(8))}{(prevMisses.Count > 8 ? ", ..." : "")}",
                "peak at q − 1 for every q ≥ 2", CheckOwner.Document),
            new($"{heads.LookBackTwo} peaks two back", twoShare >= MostQueries, $"{twoShare:P0} of queries q ≥ 3", $"≥ {MostQueries:P0}", CheckOwner.Ours),
            new($"{heads.LookBackTwo} strongly two back", two.ByOffset[2] >= Strong, $"{two.ByOffset[2]:F3}", $"≥ {Strong}", CheckOwner.Ours),
            new($"{heads.LookBackTwo} also one and three back", two.ByOffset[1] >= Also && two.ByOffset[3] >= Also,
                $"one {two.ByOffset[1]:F3}, three {two.ByOffset[3]:F3}", $"each ≥ {Also}", CheckOwner.Ours),
        };
        var verdict = ClaimOutcome.Judge(checks);
        var labels = Enumerable.Range(0, t).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        HeatmapFigure Map(HeadRef h, string role) => new($"{h} ({role}) on positional embeddings only ({target.Name})",
            "hook_embed zeroed; query rows, key columns", labels, labels,
            Enumerable.Range(0, t).Select(q => Enumerable.Range(0, t).Select(k => (double)pattern.Data[(h.Head * t + q) * t + k]).ToArray()).ToArray(), 0, 1);
        return new ClaimOutcome
        {
            Verdict = verdict,
            Reason = ClaimOutcome.FailedText(checks) + $". {heads.Source}",
            Checks = checks,
            Protocol = $"one forward of {t} positions with hook_embed zeroed (tokens irrelevant), layer-0 patterns; mean attention at offset d over queries " +
                       $"q = {MaxOffset + 1}..{t - 1}; peaks per query (no randomness)",
            Measured = new[]
            {
                new MeasuredNumber($"{heads.PreviousToken} positional attention one back", prev.ByOffset[1], 1e-4),
                new MeasuredNumber($"{heads.PreviousToken} queries not peaking one back (count)", prevMisses.Count, 0),
                new MeasuredNumber($"{heads.LookBackTwo} positional attention one back", two.ByOffset[1], 1e-4),
                new MeasuredNumber($"{heads.LookBackTwo} positional attention two back", two.ByOffset[2], 1e-4),
                new MeasuredNumber($"{heads.LookBackTwo} positional attention three back", two.ByOffset[3], 1e-4),
                new MeasuredNumber($"{heads.LookBackTwo} share of queries peaking two back", twoShare, 0),
            },
            Figures = new Figure[] { Map(heads.PreviousToken, "previous-token head"), Map(heads.LookBackTwo, "look-back-two head") },
        };
    }
}
