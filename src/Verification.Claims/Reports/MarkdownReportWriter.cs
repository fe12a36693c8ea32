using System.Text;
using Verification.Claims.Framework;

namespace Verification.Claims.Reports;

/// <summary>report.md: the summary table and each claim's numbers, readable in a terminal or a pull request.</summary>
public static class MarkdownReportWriter
{
    public static string Render(ClaimReport report)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Claim report").AppendLine();
        sb.AppendLine($"Generated {report.Started:yyyy-MM-dd HH:mm} UTC on {report.Machine}, backend {report.Backend}; " +
                      $"sizes: {(report.Size == RunSize.Full ? "full (the documents' own)" : "CI (reduced)")}, seed {report.Seed}.").AppendLine();
        int holds = report.Results.Count(r => r.Outcome.Verdict == Verdict.Holds), fails = report.Results.Count(r => r.Outcome.Verdict == Verdict.Fails);
        int notRun = report.Results.Count(r => r.Outcome.Verdict == Verdict.NotRun);
        sb.AppendLine($"**{holds} hold, {fails} fail, {notRun} not run; {report.Regressions} regressed against golden.**").AppendLine();
        var ran = report.RanModels;
        sb.AppendLine("| claim | " + string.Join(" | ", ran.Select(m => $"{m} ({report.ColumnNote(m)})")) + " |");
        sb.AppendLine("|---|" + string.Concat(ran.Select(_ => "---|")));
        foreach (var c in report.RanClaims)
            sb.AppendLine($"| {c.Id} {Esc(c.Title)} | " + string.Join(" | ", ran.Select(m => report.Find(c.Id, m) is { } r
                ? ClaimReport.CellText(r) + (r.Regressed ? " **REGRESSED**" : "") : "")) + " |");
        sb.AppendLine();
        if (report.CouldNotRun.Count > 0)
        {
            sb.AppendLine("Models that could not run:").AppendLine();
            foreach (var (model, reason) in report.CouldNotRun) sb.AppendLine($"- **{model}**: {Esc(reason)}");
            sb.AppendLine();
        }
        sb.AppendLine("## Measured").AppendLine();
        sb.AppendLine("| claim | model | verdict | published | measured | golden | reason |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in report.Results.Where(r => r.Outcome.Verdict != Verdict.NotRun || r.Regressed))
            sb.AppendLine($"| {r.Claim.Id} | {r.Model} | {ClaimReport.VerdictText(r.Outcome.Verdict)} | {Esc(ClaimReport.PublishedForm(r) ? Published(r) : "(generic form)")} | {Esc(Measured(r, 4))} | {ClaimReport.GoldenText(r)} | {Esc(ClaimReport.Shorten(r.Outcome.Reason, 240))} |");
        sb.AppendLine();
        if (report.NotRunByReason.Count > 0)
        {
            sb.AppendLine("## Claims that cannot apply").AppendLine();
            foreach (var (reason, results) in report.NotRunByReason) sb.AppendLine($"- **{Esc(reason)}**: {Esc(ClaimReport.Span(results))}");
            sb.AppendLine();
        }
        foreach (var group in report.Results.GroupBy(r => r.Claim.Id))
        {
            var claim = group.First().Claim;
            sb.AppendLine($"## {claim.Id}: {claim.Title}").AppendLine();
            sb.AppendLine($"*{claim.Source}.* {claim.Statement}").AppendLine();
            sb.AppendLine($"Rule: {claim.Rule}").AppendLine();
            var skipped = group.Where(r => r.Outcome.Verdict == Verdict.NotRun && !r.Regressed).ToList();
            var skippedOnRan = skipped.Where(r => ran.Contains(r.Model)).ToList();
            if (skippedOnRan.Count > 0)
                sb.AppendLine("Not run on " + string.Join("; ", skippedOnRan.GroupBy(r => r.Outcome.Reason).Select(g => $"{string.Join(", ", g.Select(r => r.Model))} ({g.Key})")) + ".").AppendLine();
            foreach (var r in group.Except(skipped))
            {
                sb.AppendLine($"### {claim.Id} on {r.Model}: {ClaimReport.VerdictText(r.Outcome.Verdict)}").AppendLine();
                sb.AppendLine(r.Outcome.Reason).AppendLine();
                if (r.Outcome.Protocol.Length > 0) sb.AppendLine($"Protocol: {r.Outcome.Protocol}").AppendLine();
                if (r.Outcome.Checks.Count > 0)
                {
                    sb.AppendLine("| check | result | measured | wanted | whose | group |").AppendLine("|---|---|---|---|---|---|");
                    foreach (var c in r.Outcome.Checks)
                        sb.AppendLine($"| {Esc(c.Name)} | {(c.Passed ? "pass" : "**FAIL**")} | {Esc(c.Measured)} | {Esc(c.Wanted)} | {ClaimCheck.OwnerName(c.Whose)} | {ClaimCheck.GroupName(c.Group)} |");
                    sb.AppendLine();
                }
                if (r.Outcome.Measured.Count > 0)
                {
                    sb.AppendLine("| number | measured | ± s.e. | tolerance |").AppendLine("|---|---|---|---|");
                    foreach (var m in r.Outcome.Measured)
                        sb.AppendLine($"| {Esc(m.Name)} | {ClaimReport.FormatNumber(m.Value)} | {(m.StandardError is { } se ? ClaimReport.FormatNumber(se) : "")} | {ClaimReport.FormatNumber(m.Tolerance)} |");
                    sb.AppendLine();
                }
                foreach (var t in r.Outcome.Figures.OfType<TableFigure>())
                {
                    sb.AppendLine($"**{Esc(t.Title)}**").AppendLine();
                    sb.AppendLine("| " + string.Join(" | ", t.Columns.Select(Esc)) + " |");
                    sb.AppendLine("|" + string.Concat(t.Columns.Select(_ => "---|")));
                    foreach (var row in t.Rows) sb.AppendLine("| " + string.Join(" | ", row.Select(Esc)) + " |");
                    sb.AppendLine();
                }
                foreach (var d in r.GoldenDifferences) sb.AppendLine($"- golden: {Esc(d)}");
                if (r.GoldenDifferences.Count > 0) sb.AppendLine();
            }
        }
        return sb.ToString();
    }

    internal static string Published(ClaimResult r) =>
        string.Join("; ", r.Claim.Published.Take(4).Select(p => $"{p.Name} {ClaimReport.FormatNumber(p.Value)}")) + (r.Claim.Published.Count > 4 ? "; ..." : "");

    internal static string Measured(ClaimResult r, int take) =>
        string.Join("; ", r.Outcome.Measured.Take(take).Select(m => $"{m.Name} {ClaimReport.FormatNumber(m.Value)}")) + (r.Outcome.Measured.Count > take ? "; ..." : "");

    private static string Esc(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}
