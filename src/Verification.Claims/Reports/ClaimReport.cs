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

    /// <summary>The models at least one claim ran on (or regressed on): the summary's columns, first.</summary>
    public IReadOnlyList<string> RanModels => Models.Where(m => Results.Any(r => r.Model == m && (r.Outcome.Verdict != Verdict.NotRun || r.Regressed))).ToList();

    /// <summary>Models no claim ran on, one line each: why, with the command that fixes it where there is one.</summary>
    public IReadOnlyList<(string Model, string Reason)> CouldNotRun =>
        Models.Except(RanModels).Select(m =>
        {
            var reasons = Results.Where(r => r.Model == m).Select(r => r.Outcome.Reason).ToList();
            // The model's own reason (weights absent, cannot load) rather than a claim's "cannot apply".
            var reason = reasons.FirstOrDefault(x => x.StartsWith("not run", StringComparison.Ordinal) || x.StartsWith("could not run", StringComparison.Ordinal))
                         ?? reasons.GroupBy(x => x).OrderByDescending(g => g.Count()).First().Key;
            return (m, reason);
        }).ToList();

    /// <summary>The summary's rows: claims that ran on at least one model (the others are listed once, with why, below it).</summary>
    public IReadOnlyList<ClaimDefinition> RanClaims =>
        Claims.Where(c => Results.Any(r => r.Claim.Id == c.Id && (r.Outcome.Verdict != Verdict.NotRun || r.Regressed))).ToList();

    /// <summary>What a model's column is: which model, and which form its claims ran in.</summary>
    public TargetKind KindOf(string model) => Results.First(r => r.Model == model).ModelKind;

    /// <summary>"published model · published form", "fixture · generic form", ...: the line under a column's name.</summary>
    public string ColumnNote(string model) => KindOf(model) switch
    {
        TargetKind.Published => "published model · published form",
        TargetKind.Fixture => "fixture · generic form",
        TargetKind.User => "your model · generic form",
        _ => "stand-in (--as) · published form",
    };

    /// <summary>Published numbers belong beside results judged by them: published models and stand-ins.</summary>
    public static bool PublishedForm(ClaimResult r) => r.ModelKind is TargetKind.Published or TargetKind.StandIn;

    /// <summary>A summary cell: the verdict, and for a generic-form result the heads it found (first named in its reason).</summary>
    public static string CellText(ClaimResult r)
    {
        var verdict = VerdictText(r.Outcome.Verdict);
        if (PublishedForm(r) || r.Outcome.Verdict == Verdict.NotRun) return verdict;
        var heads = System.Text.RegularExpressions.Regex.Matches(r.Outcome.Reason, @"\bL\d+H\d+\b").Select(m => m.Value).Distinct().Take(2).ToList();
        return heads.Count == 0 ? verdict : $"{verdict} · {string.Join(", ", heads)}";
    }

    /// <summary>The claims in catalogue order.</summary>
    public IReadOnlyList<ClaimDefinition> Claims => Results.Select(r => r.Claim).DistinctBy(c => c.Id).ToList();

    public ClaimResult? Find(string claim, string model) => Results.FirstOrDefault(r => r.Claim.Id == claim && r.Model == model);

    /// <summary>Results on models that ran which did not run (a claim that cannot apply), grouped by reason: one line each.</summary>
    public IReadOnlyList<(string Reason, IReadOnlyList<ClaimResult> Results)> NotRunByReason =>
        Results.Where(r => r.Outcome.Verdict == Verdict.NotRun && RanModels.Contains(r.Model))
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
