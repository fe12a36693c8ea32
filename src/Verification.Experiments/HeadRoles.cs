using Verification.Lens;

namespace Verification.Experiments;

/// <summary>One attention head, named as TransformerLens users write it (L1H6).</summary>
public sealed record HeadRef(int Layer, int Head)
{
    public string Label => $"L{Layer}H{Head}";
    public override string ToString() => Label;
}

/// <summary>
/// The heads a claim about "the induction head", "the previous-token head" or "the look-back-two head" means, found by
/// detection on repeated random tokens, so the generic form of a claim can run on any model (the published models' claims
/// name their heads; a fixture's are whatever training made).
/// </summary>
/// <param name="Induction">The head after layer 0 with the highest induction score.</param>
/// <param name="PreviousToken">The layer-0 head with the highest previous-token score.</param>
/// <param name="LookBackTwo">The layer-0 head, other than the previous-token head, that attends most to two tokens back.</param>
/// <param name="OffsetTwo">Per [layer, head]: mean attention from position i to i−2 over the first random copy (i = 3..N).</param>
public sealed record HeadRoles(HeadRef Induction, HeadRef PreviousToken, HeadRef LookBackTwo, IReadOnlyList<HeadScore> Scores,
    double[,] OffsetTwo, RrtProtocol Protocol)
{
    public HeadScore Score(HeadRef h) => Scores.Single(s => s.Layer == h.Layer && s.Head == h.Head);

    public string Describe() =>
        $"roles found on repeated random tokens ({Protocol.Describe()}): induction head {Induction} (induction {Score(Induction).Induction:F3}), " +
        $"previous-token head {PreviousToken} (previous-token {Score(PreviousToken).PreviousToken:F3}), " +
        $"look-back-two head {LookBackTwo} (attention two back {OffsetTwo[LookBackTwo.Layer, LookBackTwo.Head]:F3})";

    /// <summary>Detects the roles with the default repeated-random-token protocol (N = 25) at this seed.</summary>
    public static HeadRoles Find(HookedTransformer model, ulong seed, int batch = 64)
    {
        if (model.Config.NLayers < 2) throw new ArgumentException($"model '{model.Name}' has one layer: no induction head can form");
        var protocol = RepeatedRandomTokens.DefaultFor(model, batch, 25, seed);
        var tokens = RepeatedRandomTokens.Generate(protocol);
        // One forward over the probe serves both measurements.
        var chunks = HeadScores.PatternChunks(model, tokens).ToList();
        var scores = HeadScores.FromChunks(model, tokens, protocol.Length, chunks);
        var offsetTwo = MeanAttentionAtOffset(model, tokens, offset: 2, firstQuery: 3, lastQuery: protocol.Length, chunks);

        var induction = scores.Where(s => s.Layer > 0).MaxBy(s => s.Induction)!;
        var prev = scores.Where(s => s.Layer == 0).MaxBy(s => s.PreviousToken)!;
        var two = scores.Where(s => s.Layer == 0 && s.Head != prev.Head).MaxBy(s => offsetTwo[0, s.Head])!;
        return new HeadRoles(new HeadRef(induction.Layer, induction.Head), new HeadRef(0, prev.Head), new HeadRef(0, two.Head), scores, offsetTwo, protocol);
    }

    /// <summary>Per [layer, head]: mean of pattern[q, q − offset] over queries firstQuery..lastQuery and the batch.</summary>
    private static double[,] MeanAttentionAtOffset(HookedTransformer model, Tokens tokens, int offset, int firstQuery, int lastQuery,
        IEnumerable<(int Start, Tokens Part, ActivationCache Patterns)> chunks)
    {
        int layers = model.Config.NLayers, heads = model.Config.NHeads, t = tokens.Length;
        if (firstQuery < offset || lastQuery >= t || firstQuery > lastQuery)
            throw new ArgumentOutOfRangeException(nameof(firstQuery), $"queries {firstQuery}..{lastQuery} at offset {offset} do not fit {t} positions");
        var sums = new double[layers, heads];
        foreach (var (_, part, cache) in chunks)
        {
            for (int l = 0; l < layers; l++)
            {
                var p = cache.Pattern(l).Data;
                for (int b = 0; b < part.Batch; b++)
                    for (int h = 0; h < heads; h++)
                        for (int q = firstQuery; q <= lastQuery; q++)
                            sums[l, h] += p[((b * heads + h) * t + q) * t + q - offset];
            }
        }
        int count = tokens.Batch * (lastQuery - firstQuery + 1);
        for (int l = 0; l < layers; l++)
            for (int h = 0; h < heads; h++)
                sums[l, h] /= count;
        return sums;
    }
}
