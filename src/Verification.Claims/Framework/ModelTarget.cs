using Verification.Lens;
using Verification.Lens.T5;

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
    private readonly Lazy<HookedEncoderDecoder>? _encoderDecoder;
    private readonly Lazy<string?> _digest;

    public string Name { get; }
    public TargetKind Kind { get; }
    /// <summary>The architecture family ("attn-only", "gpt2", "t5"), which decides which claims can apply.</summary>
    public string Family { get; }
    public string? Directory { get; }
    /// <summary>Why it cannot run (weights absent, architecture unsupported), or null when it can.</summary>
    public string? UnavailableReason { get; }

    /// <param name="load">Loads a decoder-only model; <paramref name="loadEncoderDecoder"/> a T5 encoder-decoder (one of the two, or neither when unavailable).</param>
    public ModelTarget(string name, TargetKind kind, string family, string? directory, string? unavailableReason, Func<HookedTransformer>? load,
        Func<HookedEncoderDecoder>? loadEncoderDecoder = null)
    {
        Name = name; Kind = kind; Family = family; Directory = directory; UnavailableReason = unavailableReason;
        if (load != null) _model = new Lazy<HookedTransformer>(load, LazyThreadSafetyMode.ExecutionAndPublication);
        if (loadEncoderDecoder != null) _encoderDecoder = new Lazy<HookedEncoderDecoder>(loadEncoderDecoder, LazyThreadSafetyMode.ExecutionAndPublication);
        _digest = new Lazy<string?>(() => directory != null && System.IO.Directory.Exists(directory) ? ModelDigest.Of(directory) : null);
    }

    /// <summary>The content digest of the config and weight files (see <see cref="ModelDigest"/>); null without a directory.</summary>
    public string? Digest => _digest.Value;

    /// <summary>Claims judge this target by the published document's heads and numbers (a published model or a stand-in).</summary>
    public bool PublishedForm => Kind is TargetKind.Published or TargetKind.StandIn;

    public bool Available => UnavailableReason == null && (_model != null || _encoderDecoder != null);

    public HookedTransformer Model => _model?.Value ?? throw new InvalidOperationException(
        _encoderDecoder != null ? $"{Name} is a T5 encoder-decoder, not a decoder-only transformer" : $"{Name}: {UnavailableReason}");

    /// <summary>The T5 encoder-decoder (family "t5"); loaded on first use.</summary>
    public HookedEncoderDecoder EncoderDecoder => _encoderDecoder?.Value ?? throw new InvalidOperationException(
        _model != null ? $"{Name} is a decoder-only transformer, not a T5 encoder-decoder" : $"{Name}: {UnavailableReason}");

    /// <summary>Loads the model (whichever kind it is), so a broken file shows before any claim runs.</summary>
    public void Load()
    {
        if (_encoderDecoder != null) _ = _encoderDecoder.Value;
        else _ = Model;
    }

    public override string ToString() => Name;
}
