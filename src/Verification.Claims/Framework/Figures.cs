namespace Verification.Claims.Framework;

/// <summary>A plot a claim contributes to the report. Data only: the report decides how to draw it.</summary>
public abstract record Figure(string Title, string? Caption);

/// <summary>A matrix of values (e.g. layer × head scores, a patching map, composition scores); the titles name the axes.</summary>
public sealed record HeatmapFigure(string Title, string? Caption, string[] RowLabels, string[] ColumnLabels, double[][] Values,
    double? Min = null, double? Max = null, string? RowTitle = null, string? ColumnTitle = null) : Figure(Title, Caption);

/// <summary>
/// Named series over shared x labels (e.g. P(B) and P(D) by pattern length). <paramref name="Errors"/>, where given, holds
/// one standard error per point of the series at the same index (null for a series without them): drawn as error bars.
/// </summary>
public sealed record LineChartFigure(string Title, string? Caption, string[] XLabels, IReadOnlyList<(string Name, double[] Values)> Series,
    string? YLabel = null, string? XLabel = null, IReadOnlyList<double[]?>? Errors = null) : Figure(Title, Caption);

/// <summary>Bars of one value per label, with a standard error per bar where <paramref name="Errors"/> is given.</summary>
public sealed record BarChartFigure(string Title, string? Caption, string[] Labels, double[] Values, string? YLabel = null,
    string? XLabel = null, double[]? Errors = null) : Figure(Title, Caption);

/// <summary>The distribution of a sample (e.g. A and B powers over tokens).</summary>
public sealed record HistogramFigure(string Title, string? Caption, double[] Values, int Bins = 30, string? XLabel = null) : Figure(Title, Caption);

/// <summary>A small table (e.g. the A6 length table).</summary>
public sealed record TableFigure(string Title, string? Caption, string[] Columns, IReadOnlyList<string[]> Rows) : Figure(Title, Caption);
