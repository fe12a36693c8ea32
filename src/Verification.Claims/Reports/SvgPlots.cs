using System.Globalization;
using System.Net;
using System.Text;
using Verification.Claims.Framework;

namespace Verification.Claims.Reports;

/// <summary>Figures drawn as inline SVG: no script, no external file, so report.html opens offline anywhere.</summary>
public static class SvgPlots
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Palette = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b" };

    public static string Render(Figure f) => f switch
    {
        HeatmapFigure h => Heatmap(h),
        LineChartFigure l => LineChart(l),
        BarChartFigure b => Bars(b),
        HistogramFigure h => Histogram(h),
        _ => "",
    };

    private const double CharWidth = 6.2; // ~ the advance of an 11 px sans-serif character, for layout without a font

    private static string Heatmap(HeatmapFigure h)
    {
        int rows = h.RowLabels.Length, cols = h.ColumnLabels.Length;
        int cell = Math.Clamp(480 / Math.Max(cols, 1), 10, 44);
        int rowLabelWidth = (int)(h.RowLabels.Select(l => l.Length).DefaultIfEmpty(1).Max() * CharWidth) + 8;
        int left = rowLabelWidth + (h.RowTitle != null ? 22 : 6), top = 24 + (h.ColumnTitle != null ? 16 : 0);
        int width = left + cols * cell + 90, height = top + rows * cell + 16;
        var all = h.Values.SelectMany(r => r).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double min = h.Min ?? Math.Min(0, all.Min()), max = h.Max ?? Math.Max(all.Max(), min + 1e-12);
        var sb = Open(width, height, "heatmap", h.Title);
        // Row labels every k-th row when cells are shorter than a line of text, so no two overlap.
        int rowStep = Math.Max(1, (int)Math.Ceiling(13.0 / cell));
        for (int r = 0; r < rows; r++)
        {
            if (r % rowStep == 0)
                sb.Append($"<text class='tick' x='{left - 6}' y='{top + r * cell + cell / 2 + 4}' text-anchor='end' font-size='11'>{E(h.RowLabels[r])}</text>");
            for (int c = 0; c < cols; c++)
            {
                double v = h.Values[r][c];
                sb.Append($"<rect x='{left + c * cell}' y='{top + r * cell}' width='{cell}' height='{cell}' fill='{Color(v, min, max)}' stroke='#fff' stroke-width='0.5'><title>{E(h.RowLabels[r])}, {E(h.ColumnLabels[c])}: {N(v)}</title></rect>");
                if (cell >= 30) sb.Append($"<text x='{left + c * cell + cell / 2}' y='{top + r * cell + cell / 2 + 4}' text-anchor='middle' font-size='9' fill='{(Frac(v, min, max) > 0.6 ? "#fff" : "#000")}'>{N2(v)}</text>");
            }
        }
        double colLabelWidth = h.ColumnLabels.Select(l => l.Length).DefaultIfEmpty(1).Max() * CharWidth * 10 / 11 + 4;
        int colStep = Math.Max(1, (int)Math.Ceiling(colLabelWidth / cell));
        for (int c = 0; c < cols; c += colStep)
            sb.Append($"<text class='tick' x='{left + c * cell + cell / 2}' y='{top - 6}' text-anchor='middle' font-size='10'>{E(h.ColumnLabels[c])}</text>");
        if (h.ColumnTitle != null) sb.Append($"<text class='axis-title' x='{left + cols * cell / 2}' y='14' text-anchor='middle' font-size='11'>{E(h.ColumnTitle)}</text>");
        if (h.RowTitle != null) sb.Append($"<text class='axis-title' transform='translate(12,{top + rows * cell / 2}) rotate(-90)' text-anchor='middle' font-size='11'>{E(h.RowTitle)}</text>");
        // Colour bar
        int bx = left + cols * cell + 20, bh = Math.Max(rows * cell, 60);
        for (int i = 0; i < 20; i++)
            sb.Append($"<rect x='{bx}' y='{top + i * bh / 20.0:F1}' width='14' height='{bh / 20.0 + 0.5:F1}' fill='{Color(max - (max - min) * i / 19.0, min, max)}'/>");
        sb.Append($"<text class='tick' x='{bx + 18}' y='{top + 10}' font-size='10'>{N2(max)}</text><text class='tick' x='{bx + 18}' y='{top + bh}' font-size='10'>{N2(min)}</text>");
        return Close(sb);
    }

    private static readonly string[] Dashes = { "", "6 3", "2 3", "8 3 2 3" };

    private static string LineChart(LineChartFigure l)
    {
        int n = l.XLabels.Length;
        // The legend sits below the plot, one row per series, so no name is clipped whatever its length.
        int legendRows = l.Series.Count;
        int plotWidth = 420, left = 64, top = 16, plotHeight = 220;
        int legendWidth = (int)(l.Series.Select(s => s.Name.Length).DefaultIfEmpty(1).Max() * CharWidth) + 40;
        int width = Math.Max(left + plotWidth + 20, left + legendWidth + 10);
        int axisBottom = top + plotHeight, legendTop = axisBottom + 44;
        int height = legendTop + legendRows * 16 + 6;
        var values = new List<double>();
        for (int s = 0; s < l.Series.Count; s++)
            for (int i = 0; i < l.Series[s].Values.Length; i++)
            {
                double v = l.Series[s].Values[i], e = ErrorAt(l.Errors, s, i);
                if (!double.IsFinite(v)) continue;
                values.Add(v);
                if (e > 0) { values.Add(v - e); values.Add(v + e); }
            }
        var ticks = NiceTicks(values.DefaultIfEmpty(0).Min(), values.DefaultIfEmpty(1).Max(), includeZero: values.All(v => v >= 0));
        double min = ticks[0], max = ticks[^1];
        double X(int i) => left + (n == 1 ? 0.5 : i / (double)(n - 1)) * plotWidth;
        double Y(double v) => top + (1 - (v - min) / (max - min)) * plotHeight;
        var sb = Open(width, height, "line", l.Title);
        Axes(sb, left, top, left + plotWidth, axisBottom, ticks, Y, l.YLabel);
        // X labels: every k-th, so that no two overlap (the training curve has hundreds of steps).
        double labelWidth = l.XLabels.Select(x => x.Length).DefaultIfEmpty(1).Max() * CharWidth + 8;
        double spacing = n <= 1 ? plotWidth : plotWidth / (double)(n - 1);
        int step = NiceStep((int)Math.Ceiling(labelWidth / spacing));
        for (int i = 0; i < n; i += step)
            sb.Append($"<text class='tick' x='{X(i):F1}' y='{axisBottom + 16}' text-anchor='middle' font-size='11'>{E(l.XLabels[i])}</text>");
        if (l.XLabel != null) sb.Append($"<text class='axis-title' x='{left + plotWidth / 2}' y='{axisBottom + 34}' text-anchor='middle' font-size='11'>{E(l.XLabel)}</text>");
        bool markers = n <= 40;
        for (int s = 0; s < l.Series.Count; s++)
        {
            var (name, vals) = l.Series[s];
            string color = Palette[s % Palette.Length], dash = Dashes[s % Dashes.Length];
            var pts = string.Join(" ", vals.Select((v, i) => (v, i)).Where(p => double.IsFinite(p.v)).Select(p => $"{X(p.i).ToString("F1", Inv)},{Y(p.v).ToString("F1", Inv)}"));
            sb.Append($"<polyline fill='none' stroke='{color}' stroke-width='2' stroke-opacity='0.85'{(dash.Length > 0 ? $" stroke-dasharray='{dash}'" : "")} points='{pts}'/>");
            for (int i = 0; i < vals.Length; i++)
            {
                if (!double.IsFinite(vals[i])) continue;
                double e = ErrorAt(l.Errors, s, i);
                if (e > 0) ErrorBar(sb, X(i), Y(vals[i] - e), Y(vals[i] + e), color);
                if (markers) sb.Append(Marker(s, X(i), Y(vals[i]), color, $"{name} at {l.XLabels[i]}: {N(vals[i])}{(e > 0 ? $" ± {N(e)}" : "")}"));
            }
            double ly = legendTop + s * 16;
            sb.Append($"<g class='legend'><line x1='{left}' x2='{left + 24}' y1='{ly:F1}' y2='{ly:F1}' stroke='{color}' stroke-width='2'{(dash.Length > 0 ? $" stroke-dasharray='{dash}'" : "")}/>")
              .Append(Marker(s, left + 12, ly, color, name))
              .Append($"<text x='{left + 30}' y='{ly + 4:F1}' font-size='11'>{E(name)}</text></g>");
        }
        return Close(sb);
    }

    // Every 1st, 2nd, 5th, 10th, 20th, 25th, 50th... label: evenly spaced x labels then read as round values.
    private static int NiceStep(int atLeast)
    {
        for (int mag = 1; ; mag *= 10)
            foreach (var f in new[] { 1, 2, 5 })
                if (f * mag >= atLeast) return f * mag;
    }

    private static double ErrorAt(IReadOnlyList<double[]?>? errors, int series, int i) =>
        errors != null && series < errors.Count && errors[series] is { } e && i < e.Length && double.IsFinite(e[i]) ? e[i] : 0;

    private static void ErrorBar(StringBuilder sb, double x, double yLow, double yHigh, string color) =>
        sb.Append($"<path class='error-bar' d='M{x - 4:F1},{yLow:F1}H{x + 4:F1}M{x:F1},{yLow:F1}V{yHigh:F1}M{x - 4:F1},{yHigh:F1}H{x + 4:F1}' stroke='{color}' stroke-width='1.2' fill='none'/>");

    // A shape per series (circle, square, triangle, diamond) as well as a colour, so series read apart in grey or when one covers another.
    private static string Marker(int series, double x, double y, string color, string title)
    {
        string t = $"<title>{E(title)}</title>";
        return (series % 4) switch
        {
            0 => $"<circle cx='{x:F1}' cy='{y:F1}' r='3.5' fill='{color}'>{t}</circle>",
            1 => $"<rect x='{x - 3.5:F1}' y='{y - 3.5:F1}' width='7' height='7' fill='#fff' stroke='{color}' stroke-width='1.5'>{t}</rect>",
            2 => $"<path d='M{x:F1},{y - 4.5:F1}L{x + 4.5:F1},{y + 3.5:F1}L{x - 4.5:F1},{y + 3.5:F1}Z' fill='{color}'>{t}</path>",
            _ => $"<path d='M{x:F1},{y - 4.5:F1}L{x + 4.5:F1},{y:F1}L{x:F1},{y + 4.5:F1}L{x - 4.5:F1},{y:F1}Z' fill='#fff' stroke='{color}' stroke-width='1.5'>{t}</path>",
        };
    }

    private static string Bars(BarChartFigure b)
    {
        int n = b.Labels.Length, bw = Math.Clamp(440 / Math.Max(n, 1), 6, 40), left = 64, top = 16, plotHeight = 200;
        double labelWidth = b.Labels.Select(l => l.Length).DefaultIfEmpty(1).Max() * CharWidth * 10 / 11;
        // Labels horizontal where they fit under their bar, else vertical (their length then is the room they need below).
        bool turned = labelWidth + 4 > bw;
        int labelRoom = turned ? (int)labelWidth + 14 : 18;
        int axisBottom = top + plotHeight, width = left + n * bw + 30, height = axisBottom + labelRoom + (b.XLabel != null ? 18 : 4);
        var values = new List<double>();
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(b.Values[i])) continue;
            values.Add(b.Values[i]);
            if (b.Errors is { } e && i < e.Length && double.IsFinite(e[i])) { values.Add(b.Values[i] - e[i]); values.Add(b.Values[i] + e[i]); }
        }
        var ticks = NiceTicks(values.DefaultIfEmpty(0).Min(), values.DefaultIfEmpty(1).Max(), includeZero: true);
        double min = ticks[0], max = ticks[^1];
        double Y(double v) => top + (1 - (v - min) / (max - min)) * plotHeight;
        var sb = Open(width, height, "bars", b.Title);
        Axes(sb, left, top, width - 10, axisBottom, ticks, Y, b.YLabel);
        for (int i = 0; i < n; i++)
        {
            double y0 = Y(0), y1 = Y(double.IsFinite(b.Values[i]) ? b.Values[i] : 0);
            sb.Append($"<rect x='{left + i * bw + 1}' y='{Math.Min(y0, y1):F1}' width='{bw - 2}' height='{Math.Abs(y1 - y0):F1}' fill='{Palette[0]}'><title>{E(b.Labels[i])}: {N(b.Values[i])}{(b.Errors is { } t && i < t.Length ? $" ± {N(t[i])}" : "")}</title></rect>");
            if (b.Errors is { } e && i < e.Length && double.IsFinite(e[i]) && e[i] > 0)
                ErrorBar(sb, left + i * bw + bw / 2.0, Y(b.Values[i] - e[i]), Y(b.Values[i] + e[i]), "#222");
        }
        // Vertical labels: every k-th where bars are narrower than a line of text.
        int step = turned ? Math.Max(1, (int)Math.Ceiling(14.0 / bw)) : 1;
        for (int i = 0; i < n; i += step)
            sb.Append(turned
                ? $"<text class='tick' transform='translate({left + i * bw + bw / 2.0 - 4:F1},{axisBottom + 6}) rotate(90)' font-size='10'>{E(b.Labels[i])}</text>"
                : $"<text class='tick' x='{left + i * bw + bw / 2.0:F1}' y='{axisBottom + 14}' text-anchor='middle' font-size='10'>{E(b.Labels[i])}</text>");
        if (b.XLabel != null) sb.Append($"<text class='axis-title' x='{left + n * bw / 2}' y='{height - 6}' text-anchor='middle' font-size='11'>{E(b.XLabel)}</text>");
        return Close(sb);
    }

    // A histogram has a numeric x axis: round ticks at bin edges' scale, not one label per bin.
    private static string Histogram(HistogramFigure h)
    {
        var v = h.Values.Where(double.IsFinite).ToArray();
        if (v.Length == 0) return "";
        var xt = NiceTicks(v.Min(), v.Max(), includeZero: false);
        double lo = xt[0], hi = xt[^1];
        var counts = new double[h.Bins];
        foreach (var x in v) counts[Math.Clamp((int)((x - lo) / (hi - lo) * h.Bins), 0, h.Bins - 1)]++;
        int left = 64, top = 16, plotWidth = 420, plotHeight = 200, axisBottom = top + plotHeight;
        int width = left + plotWidth + 30, height = axisBottom + 20 + (h.XLabel != null ? 18 : 4);
        var yt = NiceTicks(0, counts.Max(), includeZero: true);
        double X(double x) => left + (x - lo) / (hi - lo) * plotWidth;
        double Y(double c) => top + (1 - c / yt[^1]) * plotHeight;
        var sb = Open(width, height, "histogram", h.Title);
        Axes(sb, left, top, left + plotWidth, axisBottom, yt, Y, "count");
        double bin = (hi - lo) / h.Bins;
        for (int i = 0; i < h.Bins; i++)
            sb.Append($"<rect x='{X(lo + i * bin) + 0.5:F1}' y='{Y(counts[i]):F1}' width='{Math.Max(1, X(lo + bin) - X(lo) - 1):F1}' height='{axisBottom - Y(counts[i]):F1}' fill='{Palette[0]}'><title>{N(lo + i * bin)} to {N(lo + (i + 1) * bin)}: {counts[i]}</title></rect>");
        foreach (var x in xt)
            sb.Append($"<line x1='{X(x):F1}' x2='{X(x):F1}' y1='{axisBottom}' y2='{axisBottom + 4}' stroke='#444'/><text class='tick' x='{X(x):F1}' y='{axisBottom + 16}' text-anchor='middle' font-size='10'>{Tick(x, xt)}</text>");
        if (h.XLabel != null) sb.Append($"<text class='axis-title' x='{left + plotWidth / 2}' y='{height - 6}' text-anchor='middle' font-size='11'>{E(h.XLabel)}</text>");
        return Close(sb);
    }

    private static void Axes(StringBuilder sb, int x0, int y0, int x1, int y1, double[] ticks, Func<double, double> y, string? label)
    {
        double zero = Math.Clamp(0, ticks[0], ticks[^1]);
        sb.Append($"<line x1='{x0}' y1='{y0}' x2='{x0}' y2='{y1}' stroke='#444'/><line x1='{x0}' y1='{y(zero):F1}' x2='{x1}' y2='{y(zero):F1}' stroke='#444'/>");
        foreach (var v in ticks)
            sb.Append($"<text class='tick' x='{x0 - 4}' y='{y(v) + 4:F1}' text-anchor='end' font-size='10'>{Tick(v, ticks)}</text><line x1='{x0}' x2='{x1}' y1='{y(v):F1}' y2='{y(v):F1}' stroke='#eee'/>");
        if (label != null) sb.Append($"<text class='axis-title' transform='translate(12,{(y0 + y1) / 2}) rotate(-90)' text-anchor='middle' font-size='11'>{E(label)}</text>");
    }

    /// <summary>Ticks at round values (1, 2 or 5 × 10^k apart) covering [lo, hi], 4 to 7 of them.</summary>
    internal static double[] NiceTicks(double lo, double hi, bool includeZero)
    {
        if (includeZero) { lo = Math.Min(lo, 0); hi = Math.Max(hi, 0); }
        if (!(hi > lo)) { hi = lo + (lo == 0 ? 1 : Math.Abs(lo) * 0.1); }
        double raw = (hi - lo) / 5, mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * mag).First(s => s >= raw);
        double start = Math.Floor(lo / step + 1e-9) * step, end = Math.Ceiling(hi / step - 1e-9) * step;
        int count = (int)Math.Round((end - start) / step) + 1;
        return Enumerable.Range(0, count).Select(i => Math.Round(start + i * step, 12)).ToArray();
    }

    // All ticks of an axis with the same number of decimals: the step's.
    private static string Tick(double v, double[] ticks)
    {
        double step = ticks.Length > 1 ? ticks[1] - ticks[0] : 1;
        int decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(step) - 1e-9), 0, 8);
        if (Math.Abs(step * Math.Pow(10, decimals) - Math.Round(step * Math.Pow(10, decimals))) > 1e-6) decimals++;
        return Math.Abs(v) >= 1e5 || (step < 1e-4) ? v.ToString("0.##E+0", Inv) : v.ToString("F" + decimals, Inv);
    }

    private static StringBuilder Open(int w, int h, string kind, string title) =>
        new StringBuilder().Append($"<svg xmlns='http://www.w3.org/2000/svg' data-plot='{kind}' width='{w}' height='{h}' viewBox='0 0 {w} {h}' role='img' aria-label='{E(title)}' font-family='sans-serif'>");

    private static string Close(StringBuilder sb) => sb.Append("</svg>").ToString();

    private static double Frac(double v, double min, double max) => double.IsFinite(v) ? Math.Clamp((v - min) / (max - min), 0, 1) : 0;

    // White → dark blue (viridis-like enough, readable when printed).
    private static string Color(double v, double min, double max)
    {
        if (!double.IsFinite(v)) return "#ccc";
        double t = Frac(v, min, max);
        int r = (int)(247 - t * (247 - 8)), g = (int)(251 - t * (251 - 48)), b = (int)(255 - t * (255 - 107));
        return $"#{r:x2}{g:x2}{b:x2}";
    }

    private static string N(double v) => ClaimReport.FormatNumber(v);
    private static string N2(double v) => v.ToString(Math.Abs(v) >= 10 ? "0.#" : "0.##", Inv);
    private static string E(string s) => WebUtility.HtmlEncode(s);
}
