using Verification.Claims.Framework;

namespace Verification.Claims.Reports;

/// <summary>Everything a report shows: the results of one `run`, with how it was made.</summary>
public sealed record ClaimReport(IReadOnlyList<ClaimResult> Results, RunSize Size, ulong Seed, DateTimeOffset Started, string Machine, string Backend)
{
    public int Regressions => Results.Count(r => r.Regressed);

    /// <summary>Writes report.html, report.md and results.json into the directory; returns their paths.</summary>
    public IReadOnlyList<string> WriteAll(string directory)
    {
        Directory.CreateDirectory(directory);
        var html = Path.Combine(directory, "report.html");
        var md = Path.Combine(directory, "report.md");
        var json = Path.Combine(directory, "results.json");
        File.WriteAllText(html, HtmlReportWriter.Render(this));
        File.WriteAllText(md, MarkdownReportWriter.Render(this));
        File.WriteAllText(json, JsonReportWriter.Render(this));
        return new[] { html, md, json };
    }

    /// <summary>The models in the order they first appear (fixtures first, as the runner lists them).</summary>
    public IReadOnlyList<string> Models => Results.Select(r => r.Model).Distinct().ToList();

    /// <summary>The claims in catalogue order.</summary>
    public IReadOnlyList<ClaimDefinition> Claims => Results.Select(r => r.Claim).DistinctBy(c => c.Id).ToList();

    public ClaimResult? Find(string claim, string model) => Results.FirstOrDefault(r => r.Claim.Id == claim && r.Model == model);

    /// <summary>Results that did not run, grouped by their reason: one line each in the summary instead of one row per pair.</summary>
    public IReadOnlyList<(string Reason, IReadOnlyList<ClaimResult> Results)> NotRunByReason =>
        Results.Where(r => r.Outcome.Verdict == Verdict.NotRun)
            .GroupBy(r => r.Outcome.Reason)
            .Select(g => (g.Key, (IReadOnlyList<ClaimResult>)g.ToList())).ToList();

    /// <summary>"G1-G3, A1 on gpt2-small, attn-only-2l": which claims on which models a group of results covers.</summary>
    internal static string Span(IReadOnlyList<ClaimResult> results) =>
        string.Join("; ", results.GroupBy(r => string.Join(", ", results.Where(x => x.Model == r.Model).Select(x => x.Claim.Id)))
            .Select(g => $"{g.Key} on {string.Join(", ", g.Select(r => r.Model).Distinct())}"));

    internal static string Shorten(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    internal static string VerdictText(Verdict v) => Golden.GoldenStore.VerdictName(v);

    internal static string GoldenText(ClaimResult r) => r.Golden switch
    {
        GoldenStatus.Match => "match",
        GoldenStatus.Mismatch => "REGRESSED",
        GoldenStatus.Missing => "missing",
        _ => "-",
    };

    internal static string FormatNumber(double v) =>
        double.IsNaN(v) ? "NaN" : Math.Abs(v) >= 1000 || (Math.Abs(v) < 1e-3 && v != 0) ? v.ToString("0.###E+0", System.Globalization.CultureInfo.InvariantCulture)
        : v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
