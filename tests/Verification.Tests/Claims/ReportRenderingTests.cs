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
          // Layout checks from the rendered page: tick labels that overlap another of the same figure, text or legend
          // entries that stick out of the figure, axis titles, error bars.
          const inside = (b, box) => b.left >= box.left - 0.5 && b.right <= box.right + 0.5 && b.top >= box.top - 0.5 && b.bottom <= box.bottom + 0.5;
          const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
          const layout = [...document.querySelectorAll('figure svg')].map(svg => {
            const box = svg.getBoundingClientRect();
            const ticks = [...svg.querySelectorAll('text.tick')].map(t => t.getBoundingClientRect());
            let overlaps = 0;
            for (let i = 0; i < ticks.length; i++) for (let j = i + 1; j < ticks.length; j++) if (hit(ticks[i], ticks[j])) overlaps++;
            const clipped = [...svg.querySelectorAll('.legend, text')].filter(e => !inside(e.getBoundingClientRect(), box)).length;
            const titles = svg.querySelectorAll('text.axis-title').length, bars = svg.querySelectorAll('.error-bar').length;
            return `${svg.dataset.plot}:${overlaps}:${clipped}:${titles}:${bars}`;
          });
          const pre = document.createElement('pre'); pre.id = 'render-check'; pre.textContent = 'FIGURES ' + figs.join(' ') + ' END';
          document.body.appendChild(pre);
          const lay = document.createElement('pre'); lay.id = 'layout-check'; lay.textContent = 'LAYOUT ' + layout.join(' ') + ' END';
          document.body.appendChild(lay);
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

        var layout = Regex.Match(dom, "<pre id=\"layout-check\">LAYOUT (.*?) END</pre>");
        layout.Success.Should().BeTrue();
        var plots = layout.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(':')).ToList();
        plots.Should().HaveCount(expected);
        foreach (var p in plots)
        {
            int.Parse(p[1]).Should().Be(0, $"no two tick labels of the {p[0]} figure overlap");
            int.Parse(p[2]).Should().Be(0, $"no legend entry or label of the {p[0]} figure is clipped by its edge");
            int.Parse(p[3]).Should().BeGreaterThan(0, $"the {p[0]} figure titles its axes");
        }
        plots.Where(p => p[0] is "line" or "bars").Should().OnlyContain(p => int.Parse(p[4]) > 0, "every standard error given is drawn as an error bar");
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
                new[] { ("P(B)", new[] { 0.064, 0.065, 0.056, 0.052, 0.047 }), ("P(D)", new[] { 0.001, 0.013, 0.029, 0.044, 0.049 }) }, "probability",
                "pattern length", new[] { new[] { 0.004, 0.004, 0.005, 0.005, 0.006 }, new[] { 0.001, 0.002, 0.003, 0.004, 0.004 } }),
            // What the issue saw run together: 200 training steps as x labels, and series names longer than the plot's margin.
            new LineChartFigure("Training curve", null, Enumerable.Range(0, 200).Select(i => (i * 10).ToString()).ToArray(),
                new[] { ("best layer-1 induction score of all heads in the model", Enumerable.Range(0, 200).Select(i => 1 / (1 + Math.Exp(-(i - 120) / 10.0))).ToArray()),
                        ("best layer-0 previous-token score", Enumerable.Range(0, 200).Select(i => 0.1 + 0.8 / (1 + Math.Exp(-(i - 150) / 10.0))).ToArray()) },
                "score", "training step", new double[]?[] { Enumerable.Repeat(0.02, 200).ToArray(), null }),
            new BarChartFigure("Attention to BOS", null, new[] { "L1H0", "L1H1", "L1H2" }, new[] { 0.2, 0.7, 0.9 }, "attention to BOS", "head",
                new[] { 0.02, 0.03, 0.01 }),
            new BarChartFigure("Composition into each head", null, Enumerable.Range(0, 32).Select(i => $"L{i / 8}H{i % 8} → L2H{i % 5}").ToArray(),
                Enumerable.Range(0, 32).Select(i => 0.01 * (i % 7)).ToArray(), "composition score", null, Enumerable.Repeat(0.002, 32).ToArray()),
            new HistogramFigure("A powers", null, Enumerable.Range(0, 200).Select(i => Math.Sin(i) * 2 + i / 100.0).ToArray(), 30, "mean induction strength"),
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
