namespace Verification.Lens.Hooks;

/// <summary>
/// A named place in the forward pass where an activation can be read or replaced, named as in TransformerLens
/// (its path in the module tree: "blocks.1.attn.hook_pattern").
/// </summary>
public sealed record HookPoint(string Name, int? Layer)
{
    public override string ToString() => Name;
}

/// <summary>
/// Reads or replaces an activation. Return null to leave it as it is, or a tensor of the same shape to replace it.
/// The activation passed in may be modified in place (and then returned or not): it is not used elsewhere yet.
/// </summary>
public delegate Tensors.Tensor? HookFunction(Tensors.Tensor activation, HookPoint hook);

/// <summary>
/// A hook function attached to one hook point by name. <see cref="Spec"/>, set by <see cref="Patch"/>'s declarative
/// patches, says what the function does in data, so an engine that keeps activations elsewhere (libtorch on a device)
/// can do the same there without copying the activation out; a hook without one is free-form and runs on a copy.
/// </summary>
public sealed record Hook(string Name, HookFunction Function)
{
    public PatchSpec? Spec { get; init; }
}
