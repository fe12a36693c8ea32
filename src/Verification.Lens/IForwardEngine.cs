using Verification.Lens.Hooks;
using Verification.Tensors;

namespace Verification.Lens;

/// <summary>
/// A second engine for <see cref="HookedTransformer"/>'s forward (set <see cref="HookedTransformer.Engine"/>). It runs
/// the whole forward on its own tensors; at each hook point it runs the hooks of <see cref="ForwardContext.HooksAt"/>
/// (declarative ones, with a <see cref="Hook.Spec"/>, may run on its own tensors; free-form ones through
/// <see cref="ForwardContext.RunHooks"/> on a managed copy) and stores what the cache wants with
/// <see cref="ForwardContext.Store"/>. Tokens and options arrive already validated.
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

/// <summary>Engine slots: replacing an engine disposes the one it replaces (its weights live in native memory).</summary>
internal static class EngineSlot
{
    public static T? Replace<T>(T? current, T? next) where T : class
    {
        if (!ReferenceEquals(current, next)) (current as IDisposable)?.Dispose();
        return next;
    }
}
