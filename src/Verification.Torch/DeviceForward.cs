using TorchSharp;
using Verification.Lens.Hooks;
using static TorchSharp.torch;
using Tensor = Verification.Tensors.Tensor;
using TT = TorchSharp.torch.Tensor;

namespace Verification.Torch;

/// <summary>
/// One forward's hook points on the device, shared by the decoder-only and T5 engines. At each point: declarative
/// patches (<see cref="PatchSpec"/>) run on the device with their source copied in once per forward; any free-form hook
/// makes the point take the copy path (out, the hooks in order as the managed engine runs them, back in); then the
/// cache gets a managed copy if it asks. Tensors made here belong to the caller's dispose scope.
/// </summary>
internal sealed class DeviceForward
{
    private readonly ForwardContext _ctx;
    private readonly Device _device;
    private readonly Crossings _crossings;
    private readonly Dictionary<Tensor, TT> _sources = new(ReferenceEqualityComparer.Instance);

    public DeviceForward(ForwardContext ctx, Device device, Crossings crossings)
    {
        _ctx = ctx; _device = device; _crossings = crossings;
    }

    /// <summary>Whether anything reads this activation (so optional ones, like per-head results, need computing).</summary>
    public bool Wants(string name) => _ctx.Wants(name);

    public TT Point(string name, TT x)
    {
        Tensor? managed = null;
        if (_ctx.HooksAt(name) is { } hooks)
        {
            if (hooks.All(h => h.Spec != null))
                foreach (var h in hooks) x = Apply(name, h.Spec!, x);
            else
            {
                managed = _ctx.RunHooks(name, Out(x));
                x = In(managed);
            }
        }
        if (_ctx.Caches(name)) _ctx.Store(name, managed ?? Out(x));
        return x;
    }

    private TT Apply(string name, PatchSpec spec, TT x)
    {
        spec.Check(name, x.shape.Select(s => (int)s).ToArray());
        if (spec.Kind == PatchKind.Zero) return torch.zeros_like(x);
        var source = spec.Source is null ? null : Source(spec.Source);
        if (spec.Kind == PatchKind.Replace) return source!;
        // Edit a copy: x may be another hook point's activation too (resid_post flows on as the next resid_pre).
        var y = x.clone();
        switch (spec.Kind)
        {
            case PatchKind.ReplaceHead:
            {
                int axis = PatchSpec.HeadAxis(name);
                y.select(axis, spec.Index).copy_(source!.select(axis, spec.Index));
                break;
            }
            case PatchKind.ZeroHead: y.select(PatchSpec.HeadAxis(name), spec.Index).zero_(); break;
            case PatchKind.MeanHead:
            {
                int axis = PatchSpec.HeadAxis(name);
                y.select(axis, spec.Index).copy_(source!.select(axis, spec.Index).mean(new long[] { 0 }, keepdim: true));
                break;
            }
            case PatchKind.ReplacePosition: y.select(1, spec.Index).copy_(source!.select(1, spec.Index)); break;
            default: throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "unknown patch kind");
        }
        return y;
    }

    // A patch source is copied in once per forward however many patches share it; it is never edited in place.
    private TT Source(Tensor t)
    {
        if (!_sources.TryGetValue(t, out var onDevice)) _sources[t] = onDevice = In(t);
        return onDevice;
    }

    private TT In(Tensor t)
    {
        _crossings.CountIn();
        return TorchTensors.Upload(t, _device);
    }

    private Tensor Out(TT t)
    {
        _crossings.CountOut();
        return TorchTensors.ToManaged(t);
    }
}

/// <summary>Copies between managed tensors and libtorch, and the activations both engines share.</summary>
internal static class TorchTensors
{
    public static TT Upload(Tensor t, Device device) =>
        torch.tensor(t.Data, t.Shape.Select(s => (long)s).ToArray(), dtype: ScalarType.Float32, device: device);

    public static TT Upload(float[] data, Device device, params long[] shape) =>
        torch.tensor(data, shape, dtype: ScalarType.Float32, device: device);

    public static Tensor ToManaged(TT t)
    {
        using var cpu = t.to(torch.CPU).contiguous();
        var data = GC.AllocateUninitializedArray<float>(checked((int)cpu.numel()));
        if (data.Length > 0) cpu.data<float>().CopyTo(data);
        return new Tensor(data, cpu.shape.Select(s => (int)s).ToArray());
    }

    /// <summary>The MLP activations of TransformerLens and Hugging Face by name.</summary>
    public static TT Activation(string? name, TT pre) => name switch
    {
        "gelu_new" => 0.5 * pre * (1.0 + ((pre + 0.044715 * pre.pow(3)) * Math.Sqrt(2.0 / Math.PI)).tanh()),
        "gelu" => torch.nn.functional.gelu(pre),
        "gelu_fast" => 0.5 * pre * (1.0 + (pre * 0.7978845608 * (1.0 + 0.044715 * pre * pre)).tanh()),
        "relu" => torch.nn.functional.relu(pre),
        _ => throw new NotSupportedException($"activation '{name}'"),
    };
}
