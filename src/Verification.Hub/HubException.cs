namespace Verification.Hub;

/// <summary>
/// A model could not be fetched or resolved: offline and not cached, not found, gated, disk full, network down,
/// checksum mismatch. The message is one line and says what to do where there is something to do.
/// </summary>
public sealed class HubException : Exception
{
    public HubException(string message, Exception? inner = null, bool badInput = false) : base(OneLine(message), inner) { BadInput = badInput; }

    /// <summary>The request itself is wrong (unknown name, invalid id, no such repository): exit code 2, not "could not run".</summary>
    public bool BadInput { get; }

    private static string OneLine(string message) => message.Replace("\r", " ").Replace("\n", " ");
}
