using System.Text.RegularExpressions;
using Verification.Claims.Framework;
using Verification.Claims.Reports;

namespace Verification.Tests.Claims;

/// <summary>report.html opened in headless Chromium: every plot lays out as a visible SVG with drawn marks.</summary>
public sealed class ReportRenderingTests
{
    // Appended to a copy of the report (the report itself has no script): measures each figure's SVG as laid out.
    private const string Probe = """
        <script>
        window.addEventListener('load', () => {
          const figs = [...document.querySelectorAll('figure svg')].map(svg => {
            const box = svg.getBoundingClientRect();
            const marks = [...svg.querySelectorAll('rect,path,circle,polyline,line')].filter(m => { const b = m.getBBox(); return b.width > 0 || b.height > 0; });
            return `${Math.round(box.width)}x${Math.round(box.height)}:${marks.length}`;
          });
          const pre = document.createElement('pre'); pre.id = 'render-check'; pre.textContent = 'FIGURES ' + figs.join(' ') + ' END';
          document.body.appendChild(pre);
        });
        </script>
        """;

    [ChromiumFact]
    public void Every_kind_of_plot_renders_with_visible_marks()
    {
        var dir = Directory.CreateTempSubdirectory("report-render-");
        var report = SampleReports.WithEveryFigureKind();
        report.WriteAll(dir.FullName);
        var html = File.ReadAllText(Path.Combine(dir.FullName, "report.html"));
        html.Should().NotContain("<script", "the report is self-contained and scriptless");
        var probed = Path.Combine(dir.FullName, "probed.html");
        File.WriteAllText(probed, html.Replace("</body>", Probe + "</body>"));

        var dom = HeadlessChromium.DumpDom(probed);
        var m = Regex.Match(dom, "<pre id=\"render-check\">FIGURES (.*?) END</pre>");
        m.Success.Should().BeTrue("the probe script ran in Chromium; DOM was:\n" + dom[..Math.Min(dom.Length, 400)]);
        var figures = m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int expected = report.Results.Sum(r => r.Outcome.Figures.Count(f => f is not TableFigure));
        figures.Should().HaveCount(expected);
        foreach (var f in figures)
        {
            var parts = f.Split(':', 'x').Select(int.Parse).ToArray();
            parts[0].Should().BeGreaterThan(100, $"figure {f} is laid out wide enough to read");
            parts[1].Should().BeGreaterThan(80, $"figure {f} is laid out tall enough to read");
            parts[2].Should().BeGreaterThan(2, $"figure {f} draws marks (cells, bars, lines)");
        }
        dom.Should().Contain("A6 length table", "tables render as HTML tables");
        HeadlessChromium.Screenshot(probed, Path.Combine(dir.FullName, "report.png"));
        File.Exists(Path.Combine(dir.FullName, "report.png")).Should().BeTrue();
    }
}

/// <summary>Reports built by hand, so rendering tests do not depend on any model.</summary>
public static class SampleReports
{
    public static ClaimReport WithEveryFigureKind()
    {
        var claim = new ClaimDefinition
        {
            Id = "X1", Title = "Sample", Source = "[test]", Statement = "every figure kind", PublishedModel = "none", Rule = "none",
            Published = new[] { new PublishedNumber("p", 0.5) },
        };
        var figures = new Figure[]
        {
            Plots.LayerHeadHeatmap("Induction score per head", "test", 2, 8, (l, h) => l * 0.1 + h * 0.05, 0, 1),
            new LineChartFigure("P(B) and P(D) by length", null, new[] { "2", "3", "4", "5", "6" },
                new[] { ("P(B)", new[] { 0.064, 0.065, 0.056, 0.052, 0.047 }), ("P(D)", new[] { 0.001, 0.013, 0.029, 0.044, 0.049 }) }, "probability"),
            new BarChartFigure("Attention to BOS", null, new[] { "L1H0", "L1H1", "L1H2" }, new[] { 0.2, 0.7, 0.9 }),
            new HistogramFigure("A powers", null, Enumerable.Range(0, 200).Select(i => Math.Sin(i) * 2 + i / 100.0).ToArray()),
            new TableFigure("A6 length table", null, new[] { "length", "P(B)" }, new[] { new[] { "2", "0.064" } }),
        };
        var outcome = new ClaimOutcome
        {
            Verdict = Verdict.Holds, Reason = "sample", Protocol = "none", Figures = figures,
            Measured = new[] { new MeasuredNumber("m", 0.5, 1e-3, 0.01) },
        };
        var result = new ClaimResult { Claim = claim, Model = "sample-model", ModelKind = TargetKind.Fixture, Outcome = outcome };
        return new ClaimReport(new[] { result }, RunSize.Ci, 1, DateTimeOffset.UnixEpoch, "test", "managed");
    }
}
