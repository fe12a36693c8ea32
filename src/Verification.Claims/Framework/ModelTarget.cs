using Verification.Lens;

namespace Verification.Claims.Framework;

/// <summary>
/// What a target is, which decides the form a claim runs in: a published model (the document's heads and numbers), one of
/// the project's fixtures or a user's model (generic form: the model's own heads), or a user's model run as a stand-in for
/// a published one (`--as NAME`: published form).
/// </summary>
public enum TargetKind { Published, Fixture, User, StandIn }

/// <summary>A model a claim can run on, named by what it is; its weights may be absent.</summary>
public sealed class ModelTarget
{
    private readonly Lazy<HookedTransformer>? _model;
    private readonly Lazy<string?> _digest;

    public string Name { get; }
    public TargetKind Kind { get; }
    /// <summary>The architecture family ("attn-only", "gpt2", "t5"), which decides which claims can apply.</summary>
    public string Family { get; }
    public string? Directory { get; }
    /// <summary>Why it cannot run (weights absent, architecture unsupported), or null when it can.</summary>
    public string? UnavailableReason { get; }

    public ModelTarget(string name, TargetKind kind, string family, string? directory, string? unavailableReason, Func<HookedTransformer>? load)
    {
        Name = name; Kind = kind; Family = family; Directory = directory; UnavailableReason = unavailableReason;
        if (load != null) _model = new Lazy<HookedTransformer>(load, LazyThreadSafetyMode.ExecutionAndPublication);
        _digest = new Lazy<string?>(() => directory != null && System.IO.Directory.Exists(directory) ? ModelDigest.Of(directory) : null);
    }

    /// <summary>The content digest of the config and weight files (see <see cref="ModelDigest"/>); null without a directory.</summary>
    public string? Digest => _digest.Value;

    /// <summary>Claims judge this target by the published document's heads and numbers (a published model or a stand-in).</summary>
    public bool PublishedForm => Kind is TargetKind.Published or TargetKind.StandIn;

    public bool Available => UnavailableReason == null && _model != null;

    public HookedTransformer Model => _model?.Value ?? throw new InvalidOperationException($"{Name}: {UnavailableReason}");

    public override string ToString() => Name;
}
