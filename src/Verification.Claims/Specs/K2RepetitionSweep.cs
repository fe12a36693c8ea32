using Verification.Claims.Framework;

namespace Verification.Claims.Specs;

/// <summary>K2: more repetitions → fewer induction heads detected; longer repeated sequences → more.</summary>
public sealed class K2RepetitionSweep : ChronosSpec
{
    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "K2",
        Title = "Repetitions and lengths",
        Source = "[003] Chronos: induction heads in a time-series model",
        Statement = "Sweeping the RRT repetitions and sequence lengths over {2, 4, 6, 8, 10}: more repetitions detect fewer induction heads, longer sequences more.",
        PublishedModel = "chronos-t5-{tiny,mini,small,base,large}",
        Rule = "With K1's detection rule on ChronosInduction.RepeatedTokens(length, repetitions): the count falls with repetitions at fixed length and " +
               "rises with length at fixed repetitions.",
    };

    protected override string WouldMeasure => "K1's induction-head count over repetitions × lengths in {2, 4, 6, 8, 10}";
}
