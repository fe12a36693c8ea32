using System.Text.Json;

namespace Verification.Claims.Framework;

/// <summary>
/// A fixture's training record (training-curve.json beside its weights, written by tools/fixtures/train_induction.py):
/// per evaluation step, the losses and per-head scores, so the report can show when the induction heads formed.
/// </summary>
public sealed record TrainingCurve(IReadOnlyList<TrainingCurve.Point> Points)
{
    public sealed record Point(int Step, double TextLoss, double RrtLossFirst, double RrtLossSecond, double BestInduction, double BestPreviousToken);

    public const string FileName = "training-curve.json";

    /// <summary>The curve of a model directory, or null when it has none (published models, the parity fixtures).</summary>
    public static TrainingCurve? TryRead(string? directory)
    {
        var path = directory == null ? null : Path.Combine(directory, FileName);
        if (path == null || !File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var points = doc.RootElement.EnumerateArray().Select(e => new Point(
                e.GetProperty("step").GetInt32(), e.GetProperty("text_loss").GetDouble(),
                e.GetProperty("rrt_loss_first").GetDouble(), e.GetProperty("rrt_loss_second").GetDouble(),
                Best(e.GetProperty("induction"), fromLayer: 1), Best(e.GetProperty("previous_token"), fromLayer: 0, toLayer: 0))).ToList();
            return points.Count == 0 ? null : new TrainingCurve(points);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a training curve ({e.Message})");
        }
    }

    /// <summary>The first step at which the best layer-1 induction score reached the threshold (the phase change), or null.</summary>
    public int? FirstStepAtOrAbove(double threshold) => Points.FirstOrDefault(p => p.BestInduction >= threshold)?.Step;

    public IReadOnlyList<Figure> Figures(string model)
    {
        var steps = Points.Select(p => p.Step.ToString()).ToArray();
        var formed = FirstStepAtOrAbove(0.4);
        string when = formed is { } s ? $"the best layer-1 induction score first reached 0.4 at step {s}" : "no layer-1 head reached 0.4 during training";
        return new Figure[]
        {
            new LineChartFigure($"Training of {model}: head scores", $"per-head scores on repeated random tokens during training; {when}", steps,
                new[] { ("best layer-1 induction score", Points.Select(p => p.BestInduction).ToArray()), ("best layer-0 previous-token score", Points.Select(p => p.BestPreviousToken).ToArray()) },
                "score", "training step"),
            new LineChartFigure($"Training of {model}: losses", "loss on the first and second copy of repeated random tokens, and on held-out English", steps,
                new[] { ("first copy", Points.Select(p => p.RrtLossFirst).ToArray()), ("second copy", Points.Select(p => p.RrtLossSecond).ToArray()), ("text", Points.Select(p => p.TextLoss).ToArray()) },
                "loss (nats)", "training step"),
        };
    }

    private static double Best(JsonElement perLayer, int fromLayer, int toLayer = int.MaxValue) =>
        perLayer.EnumerateArray().Select((layer, l) => (layer, l)).Where(x => x.l >= fromLayer && x.l <= toLayer)
            .SelectMany(x => x.layer.EnumerateArray().Select(v => v.GetDouble())).DefaultIfEmpty(double.NaN).Max();
}
