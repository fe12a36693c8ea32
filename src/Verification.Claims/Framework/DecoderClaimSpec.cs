namespace Verification.Claims.Framework;

/// <summary>
/// A claim about decoder-only transformers (every claim but Chronos's): it cannot apply to a T5 encoder-decoder, which the
/// engine does not run. One place for that rule, so every such claim says it in the same words.
/// </summary>
public abstract class DecoderClaimSpec : ClaimSpec
{
    public const string NeedsDecoder = "needs a decoder-only transformer with a BOS token (the engine does not run T5 encoder-decoders)";

    public override string? CannotApplyTo(ModelTarget target) => target.Family == "t5" ? NeedsDecoder : null;
}
