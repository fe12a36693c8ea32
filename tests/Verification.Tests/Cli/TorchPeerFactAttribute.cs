using Verification.Cli.Benchmarks;

namespace Verification.Tests.Cli;

/// <summary>A fact that is skipped, with the reason, where the PyTorch benchmark peer cannot run (no /usr/bin/python3 with torch).</summary>
public sealed class TorchPeerFactAttribute : FactAttribute
{
    public TorchPeerFactAttribute()
    {
        if (TorchPeer.Unavailable(TorchPeer.DefaultPython) is { } why)
            Skip = $"the PyTorch benchmark peer cannot run here: {why} (install python3-torch to run it)";
    }
}
