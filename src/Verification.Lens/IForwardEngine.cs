using Verification.Lens.Hooks;
using Verification.Tensors;

namespace Verification.Lens;

/// <summary>
/// A second engine for <see cref="HookedTransformer"/>'s forward (set <see cref="HookedTransformer.Engine"/>). It runs
/// the whole forward on its own tensors and hands each activation that <paramref name="ctx"/> wants (a hook or the cache)
/// through <see cref="ForwardContext.Apply"/> as a managed tensor; tokens and options arrive already validated.
/// </summary>
public interface IForwardEngine
{
    /// <summary>Short name for headers: "torch".</summary>
    string Name { get; }
    /// <summary>Where it runs: "cpu", "cuda".</summary>
    string Device { get; }

    /// <summary>The output of <see cref="HookedTransformer.Run"/>: logits, or the residual with StopAtLayer.</summary>
    Tensor Run(ForwardContext ctx, Tokens tokens, ForwardOptions options);

    /// <summary>The output of <see cref="HookedTransformer.RunFrom"/>; <paramref name="residual"/> must not be modified.</summary>
    Tensor RunFrom(ForwardContext ctx, int startLayer, Tensor residual, ForwardOptions options);
}
