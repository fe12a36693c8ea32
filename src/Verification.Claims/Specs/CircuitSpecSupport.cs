using Verification.Claims.Framework;
using Verification.Experiments;
using Verification.Lens;

namespace Verification.Claims.Specs;

/// <summary>
/// The heads the circuit claims (I1–I4) are about. attn-only-2l: the heads document [001] names (L1H6 induction, L0H3
/// previous-token). Any other model: the detected induction head, and as its previous-token head the head with the highest
/// previous-token score in the layers before it (layer 0 in a two-layer model, where it is HeadRoles's previous-token head;
/// deeper models keep their previous-token heads in later layers, as GPT-2 small does).
/// </summary>
internal sealed record CompositionHeads(HeadRef Induction, HeadRef PreviousToken, HeadRef LayerZeroPreviousToken, string How)
{
    public static readonly HeadRef PublishedInduction = new(1, 6), PublishedPreviousToken = new(0, 3);

    public static CompositionHeads For(ModelTarget target, ClaimRunContext context)
    {
        if (target.Name == "attn-only-2l")
            return new CompositionHeads(PublishedInduction, PublishedPreviousToken, PublishedPreviousToken,
                "the heads document [001] names for attn-only-2l: induction L1H6, previous-token L0H3");
        var roles = Roles(target.Model, context.Seed);
        var induction = roles.Induction;
        var previous = roles.Scores.Where(s => s.Layer < induction.Layer).MaxBy(s => s.PreviousToken)!;
        return new CompositionHeads(induction, new HeadRef(previous.Layer, previous.Head), roles.PreviousToken,
            $"detected: induction head {induction} (induction score {roles.Score(induction).Induction:F3}); previous-token head " +
            $"{new HeadRef(previous.Layer, previous.Head)} = the highest previous-token score ({previous.PreviousToken:F3}) in layers before it; " + roles.Protocol.Describe());
    }

    public static HeadRoles Roles(HookedTransformer model, ulong seed) => SharedRuns.Roles(model, seed);

}

/// <summary>Token strings for reports: the tokenizer's text for an id, or the id alone.</summary>
internal static class TokenLabels
{
    public static string Of(HookedTransformer model, int id)
    {
        var s = model.Tokenizer?.TokenToString(id);
        return s == null ? id.ToString() : $"{id} '{s}'";
    }
}

/// <summary>The rule the token-by-token circuit claims (I2, I3) share: how far the own-token entry's top-k rate beats chance.</summary>
internal static class DiagonalRule
{
    public const double TimesChance = 20, Cap = 0.5;

    /// <summary>20× chance, capped at one half so that small vocabularies (where 20× chance exceeds 1) keep a reachable bar.</summary>
    public static double GenericThreshold(DiagonalAccuracy a) => Math.Min(TimesChance * a.ChanceTop5, Cap);

    public const string GenericWords = "20× chance (5/vocab), capped at 50 %";

    public static MeasuredNumber[] Numbers(string prefix, DiagonalAccuracy a) => new[]
    {
        new MeasuredNumber($"{prefix} top-1 accuracy", a.Top1Fraction, 1e-3, Note: $"{a.Top1} of {a.Rows} rows"),
        new MeasuredNumber($"{prefix} top-5 accuracy", a.Top5Fraction, 1e-3, Note: $"{a.Top5} of {a.Rows} rows"),
        new MeasuredNumber($"{prefix} median rank of the own token", a.MedianRank, 1, Note: $"of {a.Columns} columns"),
    };

    /// <summary>Comparison heads (baselines) are scored on every k-th scored row, at most this many, to keep CI fast.</summary>
    public const int ComparisonRows = 512;

    public static IReadOnlyList<int> Thin(IReadOnlyList<int> rows)
    {
        int stride = (rows.Count + ComparisonRows - 1) / ComparisonRows;
        return rows.Where((_, i) => i % stride == 0).ToArray();
    }

    public static string Describe(DiagonalAccuracy a) =>
        $"top-1 {a.Top1Fraction:P1} (chance {a.ChanceTop1:P3}), top-5 {a.Top5Fraction:P1} (chance {a.ChanceTop5:P3}, {a.Top5Fraction / a.ChanceTop5:F0}× chance), " +
        $"median rank {a.MedianRank:F0} of {a.Columns}, over {a.Rows} rows";
}
