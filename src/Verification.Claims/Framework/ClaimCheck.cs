namespace Verification.Claims.Framework;

/// <summary>Whose a threshold or measure is: the source document's, one it cites, other published work, or ours.</summary>
public enum CheckOwner { Document, CitedWork, OtherPublished, Ours }

/// <summary>
/// Structure: which heads, which signs, which orderings (judged on every model). Agreement: a number against the published one
/// within its sampling error (judged only on the published model).
/// </summary>
public enum CheckGroup { Structure, Agreement }

/// <summary>One named part of a claim's rule, judged on its own: the report shows these as rows so a reader sees which part failed.</summary>
public sealed record ClaimCheck(string Name, bool Passed, string Measured, string Wanted, CheckOwner Whose, CheckGroup Group = CheckGroup.Structure)
{
    public static string OwnerName(CheckOwner o) => o switch
    {
        CheckOwner.Document => "document",
        CheckOwner.CitedWork => "cited work",
        CheckOwner.OtherPublished => "other published work",
        _ => "our threshold",
    };

    public static string GroupName(CheckGroup g) => g == CheckGroup.Agreement ? "agreement with published" : "structure";

    /// <summary>measured within 3 s.e. + slack of the published value; the 3 s.e. + slack band is ours, the value is the document's.</summary>
    public static ClaimCheck Near(string name, double measured, double se, double published, double slack)
    {
        double allowed = 3 * se + slack;
        return new ClaimCheck($"{name} agrees with published", Math.Abs(measured - published) <= allowed,
            $"{measured:F4} ± {se:F4}", $"{published:G4} ± (3 s.e. + {slack:G2}) [value: document; band: ours]", CheckOwner.Ours, CheckGroup.Agreement);
    }

    /// <summary>Significantly above zero: mean &gt; 2 s.e. (our test; the document states no test).</summary>
    public static bool SignificantlyPositive(double mean, double se) => mean > 2 * se;
}
