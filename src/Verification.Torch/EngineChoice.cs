using Verification.Lens;
using Verification.Lens.T5;
using Verification.Torch.T5;

namespace Verification.Torch;

/// <summary>
/// Which engine runs a model's forward ("managed" or "torch") and on which device ("cpu", "cuda"; null: CUDA when libtorch
/// reports it, else the CPU). Defaults come from VERIFICATION_BACKEND and VERIFICATION_DEVICE; <see cref="Current"/> is the
/// process-wide choice that every loader (the CLI's, the claims' model catalogue) applies.
/// </summary>
public sealed record EngineChoice(string Backend, string? Device)
{
    public const string BackendVariable = "VERIFICATION_BACKEND", DeviceVariable = "VERIFICATION_DEVICE";

    public static EngineChoice Managed { get; } = new("managed", null);

    public static EngineChoice FromEnvironment() => Parse(
        Environment.GetEnvironmentVariable(BackendVariable), Environment.GetEnvironmentVariable(DeviceVariable), $"{BackendVariable}/{DeviceVariable}");

    private static readonly Lazy<EngineChoice> Default = new(FromEnvironment);
    // Per flow of execution, so a CLI command run in-process (tests run several at once) sets it only for its own work.
    private static readonly AsyncLocal<EngineChoice?> Chosen = new();

    /// <summary>
    /// The choice every model load applies: what the CLI set from --backend/--device for this command, else the
    /// environment's (an invalid VERIFICATION_BACKEND/VERIFICATION_DEVICE throws ArgumentException here).
    /// </summary>
    public static EngineChoice Current { get => Chosen.Value ?? Default.Value; set => Chosen.Value = value; }

    /// <summary>Validates names; <paramref name="source"/> says where they came from for the error line.</summary>
    public static EngineChoice Parse(string? backend, string? device, string source = "--backend/--device")
    {
        backend = string.IsNullOrWhiteSpace(backend) ? "managed" : backend.Trim().ToLowerInvariant();
        device = string.IsNullOrWhiteSpace(device) ? null : device.Trim().ToLowerInvariant();
        // "openblas" is the managed engine on OpenBLAS kernels (VERIFICATION_BACKEND chose kernels before there were engines).
        if (backend == "openblas") backend = "managed";
        if (backend is not ("managed" or "torch"))
            throw new ArgumentException($"{source}: unknown backend '{backend}' (managed, openblas or torch)");
        if (device is not (null or "cpu" or "cuda"))
            throw new ArgumentException($"{source}: unknown device '{device}' (cpu or cuda)");
        if (backend == "managed" && device == "cuda")
            throw new ArgumentException($"{source}: the managed engine runs on the CPU only; use --backend torch for CUDA");
        return new EngineChoice(backend, device);
    }

    /// <summary>Puts the chosen engine on a freshly loaded model and returns it.</summary>
    public HookedTransformer Apply(HookedTransformer model)
    {
        if (Backend == "torch") TorchEngine.Attach(model, Device);
        return model;
    }

    /// <summary>Puts the chosen engine on a freshly loaded T5 encoder-decoder and returns it.</summary>
    public HookedEncoderDecoder Apply(HookedEncoderDecoder model)
    {
        if (Backend == "torch") TorchT5Engine.Attach(model, Device);
        return model;
    }

    /// <summary>For headers: "managed (KERNELS) on cpu" or "torch (libtorch) on DEVICE", the device resolved.</summary>
    public string Describe(string managedKernels) =>
        Backend == "torch" ? $"torch (libtorch) on {Device ?? TorchRuntime.DefaultDevice}" : $"managed ({managedKernels}) on cpu";

    public override string ToString() => Backend == "torch" ? $"torch ({Device ?? "auto"})" : "managed (cpu)";
}
