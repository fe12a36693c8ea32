namespace Verification.Claims.Framework;

/// <summary>What running one claim on one model found.</summary>
public sealed record ClaimOutcome
{
    public required Verdict Verdict { get; init; }
    /// <summary>Why: the rule applied to the numbers, or why it did not run.</summary>
    public required string Reason { get; init; }
    public string Protocol { get; init; } = "";
    public IReadOnlyList<MeasuredNumber> Measured { get; init; } = Array.Empty<MeasuredNumber>();
    public IReadOnlyList<Figure> Figures { get; init; } = Array.Empty<Figure>();
    /// <summary>The rule as named checks; when present the verdict is "holds" exactly when every check passes (see Judge).</summary>
    public IReadOnlyList<ClaimCheck> Checks { get; init; } = Array.Empty<ClaimCheck>();

    public static ClaimOutcome NotRun(string reason) => new() { Verdict = Verdict.NotRun, Reason = reason };

    /// <summary>The verdict of a list of checks: holds iff every one passes (an empty list cannot hold).</summary>
    public static Verdict Judge(IReadOnlyCollection<ClaimCheck> checks) =>
        checks.Count > 0 && checks.All(c => c.Passed) ? Verdict.Holds : Verdict.Fails;

    /// <summary>"failed: name (measured, wanted)" for each failing check, or "every check passes".</summary>
    public static string FailedText(IEnumerable<ClaimCheck> checks)
    {
        var failed = checks.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Measured}, wanted {c.Wanted}").ToList();
        return failed.Count == 0 ? "every check passes" : "failed: " + string.Join("; ", failed);
    }
}

/// <summary>Gating status of a claim's numbers against golden/&lt;claim&gt;.&lt;model&gt;.verified.json.</summary>
public enum GoldenStatus { Match, Mismatch, Missing, NotChecked }

/// <summary>One claim on one model, with its golden comparison: a row of results.json.</summary>
public sealed record ClaimResult
{
    public required ClaimDefinition Claim { get; init; }
    public required string Model { get; init; }
    public required TargetKind ModelKind { get; init; }
    public required ClaimOutcome Outcome { get; init; }
    public GoldenStatus Golden { get; init; } = GoldenStatus.NotChecked;
    /// <summary>Human-readable differences against golden (one per number that moved), empty when it matches.</summary>
    public IReadOnlyList<string> GoldenDifferences { get; init; } = Array.Empty<string>();
    /// <summary>Set when the golden file was recorded on weights with another digest than this run's.</summary>
    public string? GoldenNote { get; init; }
    public double Seconds { get; init; }

    /// <summary>A regression: a golden number moved beyond tolerance, or the golden verdict was "holds" and it now fails.</summary>
    public bool Regressed => Golden == GoldenStatus.Mismatch;
}
