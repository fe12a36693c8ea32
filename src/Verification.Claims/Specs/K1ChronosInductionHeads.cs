using Verification.Claims.Framework;

namespace Verification.Claims.Specs;

/// <summary>K1: on repeated random value tokens, Chronos models have induction heads, more in larger models.</summary>
public sealed class K1ChronosInductionHeads : ChronosSpec
{
    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "K1",
        Title = "Chronos induction heads",
        Source = "[003] Chronos: induction heads in a time-series model",
        Statement = "On the encoder input, repeated random tokens drawn from ids 1910-2187 (the document also gives 1911 as the low end; length 10, " +
                    "twice, then the first token again, then EOS) reveal induction heads in Chronos, " +
                    "and their count grows with model size.",
        PublishedModel = "chronos-t5-{tiny,mini,small,base,large}",
        Rule = "A head is an induction head when the final repeated token's attention (the query is that token, the one before EOS, never EOS " +
               "itself) to the most recent earlier occurrence of that token, or to the token after it, is ≥ 0.3 (the document's definition and " +
               "threshold; ChronosInduction.IsInductionHead). Holds when the count rises with size across the five models (the document's).",
    };

    protected override string WouldMeasure => "the induction-head count on repeated tokens in 1910..2187, length 10 × 2";
}
