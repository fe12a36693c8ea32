using Verification.Claims.Framework;
using Verification.Experiments;
using Verification.Lens;

namespace Verification.Claims.Specs;

/// <summary>
/// I4: a shortformer (positions only in queries and keys) cannot build induction heads by Q-composition of positional
/// information. The engine has no shortformer and none was trained, so this spec checks the claim's two measurable premises.
/// </summary>
public sealed class I4QCompositionHarder : DecoderClaimSpec
{
    private const ulong SeedOffset = 0x1400;
    public const double FloorMultiple = 3;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "I4",
        Title = "Q-composition is harder (premises only: no shortformer was run)",
        Source = "[004] Induction heads illustrated: the circuit",
        Statement = "A shortformer model (positional embeddings only in queries and keys) cannot form induction heads through Q-composition of " +
                    "positional information, because its layer-0 heads' OV circuits never see positions; induction forms through K-composition.",
        PublishedModel = "attn-only-2l",
        Rule = "[004] names no model and gives no numbers: both measures and the threshold below are ours. Not run as stated: the engine has no shortformer and no shortformer was trained, so whether one forms induction heads is not measured. " +
               "Measured instead, on any model, the claim's two premises: (1) the induction head is built by K- rather than Q-composition: the " +
               "K-composition score of (previous-token head → induction head) exceeds its Q-composition score; (2) with positions kept out of the residual " +
               "stream there is no positional information for Q-composition to use: emulating a shortformer's layer 0 (the model's own attention patterns, " +
               "values from token embeddings alone), the layer-0 previous-token head's output has a positional share (R² of position, positions 2..T−1) " +
               $"of at most {FloorMultiple}× the noise floor (what position-free outputs give). The model's own share is reported beside it. Holds when both hold.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        var heads = CompositionHeads.For(target, context);
        var (ind, prev) = (heads.Induction, heads.PreviousToken);
        double k = CompositionScores.Score(model.Weights, prev, ind, CompositionKind.K);
        double q = CompositionScores.Score(model.Weights, prev, ind, CompositionKind.Q);

        var prev0 = heads.LayerZeroPreviousToken;
        int batch = context.Pick(ci: 32, full: 256), length = Math.Min(model.Config.NCtx, 64);
        var tokens = RandomSequences(model, batch, length, context.Seed + SeedOffset, out string drawn);
        var share = PositionalShare.LayerZeroHead(model, prev0.Head, tokens);

        bool kBeatsQ = k > q;
        bool dropped = share.Shortformer <= FloorMultiple * share.NoiseFloor;
        var checks = new List<ClaimCheck>
        {
            new($"premise 1: {ind} is built by K- rather than Q-composition from {prev}", kBeatsQ, $"K {k:F4}, Q {q:F4}", "K > Q", CheckOwner.Ours),
            new($"premise 2: no positional information in {prev0}'s shortformer output", dropped, $"R² {share.Shortformer:F3} (model's own {share.Standard:F3})",
                $"≤ {FloorMultiple}× noise floor {share.NoiseFloor:F3}", CheckOwner.Ours),
        };
        string reason = $"not run as stated (no shortformer in the engine; none trained). Premise 1: K-composition {prev}→{ind} {k:F4} " +
                        $"{(kBeatsQ ? ">" : "≤")} Q-composition {q:F4}. Premise 2: positional share of {prev0}'s output {share.Standard:F3} in the model, " +
                        $"{share.Shortformer:F3} with shortformer values ({(dropped ? "at most" : "more than")} {FloorMultiple}× the noise floor {share.NoiseFloor:F3} " +
                        $"of {batch} sequences × {share.Positions} positions)";
        return new ClaimOutcome
        {
            Verdict = ClaimOutcome.Judge(checks),
            Checks = checks,
            Reason = reason,
            Protocol = $"heads: {heads.How}; composition scores as I1; positional share on {drawn}: R² of position for {prev0}'s output z·W_O over " +
                       $"positions {share.FirstPosition}..{length - 1}; shortformer emulation = layer 0 with hook_v replaced by the values of a run " +
                       "with hook_pos_embed zeroed (queries and keys keep W_pos, as TransformerLens's shortformer feeds them)",
            Measured = new[]
            {
                new MeasuredNumber($"K-composition {prev}→{ind}", k, 1e-4),
                new MeasuredNumber($"Q-composition {prev}→{ind}", q, 1e-4),
                new MeasuredNumber($"positional share of {prev0} output (model)", share.Standard, 1e-4),
                new MeasuredNumber($"positional share of {prev0} output (shortformer values)", share.Shortformer, 1e-4),
            },
            Figures = new Figure[]
            {
                new BarChartFigure($"Composition of {prev} into {ind} ({target.Name})", "TransformerLens composition scores",
                    new[] { "Q-composition", "K-composition" }, new[] { q, k }, "score"),
                new BarChartFigure($"Positional share of {prev0}'s output ({target.Name})", $"R² of position over {batch} random sequences",
                    new[] { "model", "shortformer values" }, new[] { share.Standard, share.Shortformer }, "R²"),
            },
        };
    }

    // BOS (when the model has one) + uniform random non-BOS tokens.
    private static Tokens RandomSequences(HookedTransformer model, int batch, int length, ulong seed, out string description)
    {
        int? bos = model.Config.DefaultPrependBos ? model.BosTokenId : null;
        var ids = new RandomTokenIds(model.Config.DVocab, bos);
        var rng = new SeededRandom(seed);
        var data = new int[batch * length];
        for (int i = 0; i < data.Length; i++) data[i] = bos != null && i % length == 0 ? bos.Value : ids.Next(rng);
        description = $"{batch} sequences of {(bos != null ? $"BOS ({bos}) + " : "")}{length - (bos != null ? 1 : 0)} tokens {ids.Describe()} (xoshiro256** seed {seed})";
        return new Tokens(data, batch, length);
    }
}
