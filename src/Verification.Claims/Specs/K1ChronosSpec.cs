using Verification.Claims.Framework;

namespace Verification.Claims.Specs;

/// <summary>
/// The Chronos claims [003] (K1-K3): they need a T5 encoder-decoder. The engine runs T5 (HookedEncoderDecoder), but these specs do not measure on it yet. Decoder-only models
/// cannot apply; on a T5 target Evaluate says honestly that nothing was run. The model-independent parts (the detection rule,
/// the token range, the multisine probe and its spectrum) are in Verification.Experiments (ChronosInduction, Multisine), tested.
/// </summary>
public abstract class ChronosSpec : ClaimSpec
{
    public const string DecoderOnly = "needs a T5 encoder-decoder (Chronos); this model is decoder-only";

    /// <summary>What the claim would measure, for the not-run reason.</summary>
    protected abstract string WouldMeasure { get; }

    public override string? CannotApplyTo(ModelTarget target) => target.Family == "t5" ? null : DecoderOnly;

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context) =>
        target.Family != "t5"
            ? ClaimOutcome.NotRun(DecoderOnly)
            : ClaimOutcome.NotRun($"not run: the K1-K3 measurements on T5 encoder-decoders are not built yet, so {target.Name} is not measured " +
                                  $"(this claim would measure {WouldMeasure})");
}
