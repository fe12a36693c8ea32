using TorchSharp;

namespace Verification.Torch;

/// <summary>Loads libtorch once per process (applying the libstdc++ workaround first) and resolves device names.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<string> Loaded = new(() =>
    {
        var note = GlibcxxShim.Apply();
        torch.InitializeDeviceType(DeviceType.CPU);
        return note;
    });

    /// <summary>Loads libtorch; returns what the libstdc++ workaround did. Throws with the reason when libtorch cannot load.</summary>
    public static string EnsureLoaded() => Loaded.Value;

    public static bool CudaAvailable { get { EnsureLoaded(); return torch.cuda.is_available(); } }

    /// <summary>"cuda" when libtorch reports a GPU, else "cpu".</summary>
    public static string DefaultDevice => CudaAvailable ? "cuda" : "cpu";

    public static torch.Device Device(string name)
    {
        EnsureLoaded();
        switch (name)
        {
            case "cpu": return torch.CPU;
            case "cuda":
                if (!torch.cuda.is_available())
                    throw new ArgumentException("device 'cuda' asked for, but libtorch reports no CUDA device (this build has the CPU libtorch unless built with -p:TorchDevice=cuda)");
                return torch.CUDA;
            default: throw new ArgumentException($"unknown device '{name}' (cpu or cuda)");
        }
    }
}
