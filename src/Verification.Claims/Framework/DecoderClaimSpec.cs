namespace Verification.Claims.Framework;

/// <summary>
/// A claim about decoder-only transformers (every claim but Chronos's): it cannot apply to a T5 encoder-decoder, which has
/// no single causal stream with a BOS token to measure. One place for that rule, so every such claim says it in the same words.
/// </summary>
public abstract class DecoderClaimSpec : ClaimSpec
{
    public const string NeedsDecoder = "needs a decoder-only transformer with a BOS token (a T5 encoder-decoder is not one)";

    public override string? CannotApplyTo(ModelTarget target) => target.Family == "t5" ? NeedsDecoder : null;
}
