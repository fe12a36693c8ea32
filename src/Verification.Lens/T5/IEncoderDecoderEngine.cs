using Verification.Lens.Hooks;
using Verification.Tensors;

namespace Verification.Lens.T5;

/// <summary>
/// A second engine for <see cref="HookedEncoderDecoder"/>'s forward (set <see cref="HookedEncoderDecoder.Engine"/>), as
/// <see cref="IForwardEngine"/> is for decoder-only models: it runs the whole forward on its own tensors and hands each
/// activation <paramref name="ctx"/> wants through the context; the input arrives validated.
/// </summary>
public interface IEncoderDecoderEngine
{
    /// <summary>Short name for headers: "torch".</summary>
    string Name { get; }
    /// <summary>Where it runs: "cpu", "cuda".</summary>
    string Device { get; }

    /// <summary>Logits [batch, decoder pos, vocab], as <see cref="HookedEncoderDecoder.Run"/> returns them.</summary>
    Tensor Run(ForwardContext ctx, EncoderDecoderInput input);
}
