namespace Verification.Torch;

/// <summary>
/// Activations that crossed between libtorch and managed memory at hook points, counted over an engine's life:
/// <see cref="Out"/> copies into a managed tensor (for the cache or a free-form hook), <see cref="In"/> copies onto the
/// device (a patch's source, a free-form hook's result). Weights, token ids, RunFrom's residual and the returned logits
/// are not counted: they cross once per forward whatever the hooks.
/// </summary>
public sealed class Crossings
{
    private long _in, _out;

    public long In => Interlocked.Read(ref _in);
    public long Out => Interlocked.Read(ref _out);

    internal void CountIn() => Interlocked.Increment(ref _in);
    internal void CountOut() => Interlocked.Increment(ref _out);

    public override string ToString() => $"{In} in, {Out} out";
}
