namespace Verification.Claims.Framework;

/// <summary>
/// An executable claim: its definition, which models it can run on, and how to measure and judge it.
/// Implementations live in Specs/, one file per claim.
/// </summary>
public abstract class ClaimSpec
{
    public abstract ClaimDefinition Definition { get; }

    /// <summary>Null when the claim can run on this target; otherwise why not (e.g. "needs a T5 encoder-decoder").</summary>
    public virtual string? CannotApplyTo(ModelTarget target) => null;

    /// <summary>Runs the measurement on an available model and applies the rule.</summary>
    public abstract ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context);
}

/// <summary>Sizes, seed and progress for one run of one claim.</summary>
public sealed record ClaimRunContext(RunSize Size, ulong Seed, IProgress<double>? Progress = null)
{
    /// <summary>The seed golden numbers are recorded at (each claim derives its own streams from it with SeededRandom).</summary>
    public const ulong DefaultSeed = 1234;

    /// <summary>Where published-form claims find their documents' datasets (G2, G3: Pile-10k); default: the Hugging Face cache.</summary>
    public IDatasetSource Datasets { get; init; } = new HubCacheDatasets();

    public int Pick(int ci, int full) => Size == RunSize.Full ? full : ci;

    /// <summary>Every model of this run (a claim about several models, K1's count by model size, reads its siblings here).</summary>
    public IReadOnlyList<ModelTarget> Targets { get; init; } = Array.Empty<ModelTarget>();
}
