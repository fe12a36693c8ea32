using System.Net;
using System.Text;
using Verification.Claims.Framework;

namespace Verification.Claims.Reports;

/// <summary>report.html: one self-contained page (inline CSS and SVG, no script, no network) with the summary table and every figure.</summary>
public static class HtmlReportWriter
{
    public static string Render(ClaimReport report)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Claim report</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}")
          .Append("table{border-collapse:collapse;margin:.5em 0 1.2em}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;vertical-align:top}")
          .Append("th{background:#f3f3f3}.holds{background:#e5f5e0}.fails{background:#fde0dd}.not-run{background:#eee;color:#555}")
          .Append(".REGRESSED{background:#d62728;color:#fff;font-weight:bold}.missing{background:#fff3cd}figure{display:inline-block;margin:.5em 1em .5em 0;vertical-align:top}")
          .Append("figcaption{font-size:12px;color:#555;max-width:560px}section{border-top:2px solid #ddd;margin-top:1.5em}h3{margin-bottom:.3em}.kind{font-weight:normal;color:#555}")
          .Append("</style></head><body>");
        sb.Append("<h1>Claim report</h1>");
        int holds = report.Results.Count(r => r.Outcome.Verdict == Verdict.Holds), fails = report.Results.Count(r => r.Outcome.Verdict == Verdict.Fails);
        int notRun = report.Results.Count(r => r.Outcome.Verdict == Verdict.NotRun);
        sb.Append($"<p>Generated {report.Started:yyyy-MM-dd HH:mm} UTC on {E(report.Machine)}, backend {E(report.Backend)}; sizes: ")
          .Append(report.Size == RunSize.Full ? "full (the documents' own)" : "CI (reduced; see each protocol)")
          .Append($", seed {report.Seed}.</p><p><b>{holds} hold, {fails} fail, {notRun} not run; {report.Regressions} regressed against golden.</b></p>");

        // Verdicts at a glance: claims down, the models that ran across (each says what it is); hover a cell for its reason.
        var ran = report.RanModels;
        sb.Append("<h2>Summary</h2><table id='summary'><tr><th>claim</th>");
        foreach (var m in ran) sb.Append($"<th>{E(m)}<br><small class='kind'>{E(report.ColumnNote(m))}</small></th>");
        sb.Append("</tr>");
        foreach (var c in report.RanClaims)
        {
            sb.Append($"<tr><td><a href='#{c.Id}'>{c.Id}</a> {E(c.Title)}</td>");
            foreach (var m in ran)
            {
                var r = report.Find(c.Id, m);
                if (r == null) { sb.Append("<td></td>"); continue; }
                string verdict = ClaimReport.VerdictText(r.Outcome.Verdict);
                string golden = r.Regressed ? " <b class='REGRESSED'>REGRESSED</b>" : "";
                sb.Append($"<td class='{verdict}' title='{E(ClaimReport.Shorten(r.Outcome.Reason, 300))}'>{E(ClaimReport.CellText(r))}{golden}</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</table><p><small>Generic form: the claim's logic on the model's own heads, found by detection (the heads named in a cell); ")
          .Append("the claim titles name the published model's heads.</small></p>");
        if (report.CouldNotRun.Count > 0)
        {
            sb.Append("<h3>Models that could not run</h3><ul id='could-not-run'>");
            foreach (var (model, reason) in report.CouldNotRun) sb.Append($"<li><b>{E(model)}</b>: {E(reason)}</li>");
            sb.Append("</ul>");
        }

        sb.Append("<h2>Measured</h2><table id='measured'><tr><th>claim</th><th>model</th><th>verdict</th><th>published</th><th>measured</th><th>golden</th><th>reason</th></tr>");
        foreach (var r in report.Results.Where(r => r.Outcome.Verdict != Verdict.NotRun || r.Regressed))
        {
            string verdict = ClaimReport.VerdictText(r.Outcome.Verdict);
            sb.Append($"<tr><td><a href='#{r.Claim.Id}'>{r.Claim.Id}</a></td><td>{E(r.Model)}</td><td class='{verdict}'>{verdict}</td>")
              .Append($"<td>{E(ClaimReport.PublishedForm(r) ? MarkdownReportWriter.Published(r) : "(generic form)")}</td><td>{E(MarkdownReportWriter.Measured(r, 4))}</td>")
              .Append($"<td class='{ClaimReport.GoldenText(r)}'>{ClaimReport.GoldenText(r)}</td><td>{E(ClaimReport.Shorten(r.Outcome.Reason, 240))}</td></tr>");
        }
        sb.Append("</table>");

        var notRunGroups = report.NotRunByReason;
        if (notRunGroups.Count > 0)
        {
            sb.Append("<h2>Claims that cannot apply</h2><ul id='not-run'>");
            foreach (var (reason, results) in notRunGroups) sb.Append($"<li><b>{E(reason)}</b>: {E(ClaimReport.Span(results))}</li>");
            sb.Append("</ul>");
        }

        foreach (var group in report.Results.GroupBy(r => r.Claim.Id))
        {
            var claim = group.First().Claim;
            sb.Append($"<section id='{claim.Id}'><h2>{claim.Id}: {E(claim.Title)}</h2><p><i>{E(claim.Source)}.</i> {E(claim.Statement)}</p><p>Rule: {E(claim.Rule)}</p>");
            if (claim.Published.Count > 0 && group.Any(r => ClaimReport.PublishedForm(r) && r.Outcome.Verdict != Verdict.NotRun))
            {
                sb.Append($"<table><tr><th>published on {E(claim.PublishedModel)}</th><th>value</th><th>note</th></tr>");
                foreach (var p in claim.Published) sb.Append($"<tr><td>{E(p.Name)}</td><td>{ClaimReport.FormatNumber(p.Value)}</td><td>{E(p.Note ?? "")}</td></tr>");
                sb.Append("</table>");
            }
            var skipped = group.Where(r => r.Outcome.Verdict == Verdict.NotRun && !r.Regressed).ToList();
            var skippedOnRan = skipped.Where(r => ran.Contains(r.Model)).ToList();
            if (skippedOnRan.Count > 0)
                sb.Append($"<p class='not-run'>Not run on {E(string.Join("; ", skippedOnRan.GroupBy(r => r.Outcome.Reason).Select(g => $"{string.Join(", ", g.Select(r => r.Model))} ({g.Key})")))}.</p>");
            foreach (var r in group.Except(skipped))
            {
                string verdict = ClaimReport.VerdictText(r.Outcome.Verdict);
                sb.Append($"<h3>{claim.Id} on {E(r.Model)} <small class='kind'>({E(report.ColumnNote(r.Model))})</small>: <span class='{verdict}'>{verdict}</span></h3><p>{E(r.Outcome.Reason)}</p>");
                if (r.Outcome.Protocol.Length > 0) sb.Append($"<p><small>Protocol: {E(r.Outcome.Protocol)}</small></p>");
                AppendChecks(sb, r);
                foreach (var d in r.GoldenDifferences) sb.Append($"<p class='{(r.Regressed ? "REGRESSED" : "missing")}'>golden: {E(d)}</p>");
                if (r.GoldenNote != null) sb.Append($"<p class='missing'>golden: {E(r.GoldenNote)}</p>");
                foreach (var t in r.Outcome.Figures.OfType<TableFigure>())
                {
                    sb.Append($"<table><caption>{E(t.Title)}</caption><tr>{string.Concat(t.Columns.Select(c => $"<th>{E(c)}</th>"))}</tr>");
                    foreach (var row in t.Rows) sb.Append($"<tr>{string.Concat(row.Select(c => $"<td>{E(c)}</td>"))}</tr>");
                    sb.Append("</table>");
                }
                foreach (var f in r.Outcome.Figures.Where(f => f is not TableFigure))
                    sb.Append($"<figure>{SvgPlots.Render(f)}<figcaption><b>{E(f.Title)}</b>{(f.Caption != null ? ". " + E(f.Caption) : "")}</figcaption></figure>");
                if (r.Outcome.Measured.Count > 0)
                {
                    sb.Append("<details><summary>measured numbers</summary><table><tr><th>number</th><th>measured</th><th>± s.e.</th><th>tolerance</th></tr>");
                    foreach (var m in r.Outcome.Measured)
                        sb.Append($"<tr><td>{E(m.Name)}</td><td>{ClaimReport.FormatNumber(m.Value)}</td><td>{(m.StandardError is { } se ? ClaimReport.FormatNumber(se) : "")}</td><td>{ClaimReport.FormatNumber(m.Tolerance)}</td></tr>");
                    sb.Append("</table></details>");
                }
            }
            sb.Append("</section>");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>The claim's rule as rows, one per named check, so a reader sees at once which part passed or failed and whose threshold it is.</summary>
    private static void AppendChecks(StringBuilder sb, ClaimResult r)
    {
        if (r.Outcome.Checks.Count == 0) return;
        sb.Append($"<table class='checks' id='checks-{E(r.Claim.Id)}-{E(r.Model)}'><tr><th>check</th><th>result</th><th>measured</th><th>wanted</th><th>whose</th><th>group</th></tr>");
        foreach (var c in r.Outcome.Checks)
        {
            string cls = c.Passed ? "holds" : "fails";
            sb.Append($"<tr><td>{E(c.Name)}</td><td class='{cls}'>{(c.Passed ? "pass" : "FAIL")}</td><td>{E(c.Measured)}</td><td>{E(c.Wanted)}</td>")
              .Append($"<td>{E(ClaimCheck.OwnerName(c.Whose))}</td><td>{E(ClaimCheck.GroupName(c.Group))}</td></tr>");
        }
        sb.Append("</table>");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
