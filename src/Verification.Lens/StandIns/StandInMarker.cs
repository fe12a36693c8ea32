using System.Text.Json;
using Verification.Loading;

namespace Verification.Lens.StandIns;

/// <summary>
/// The mark of a stand-in model: a file called `stand-in` in the model directory, whose first line names the published
/// model it stands in for (the config also carries "stand_in": {"for": ..., "seed": ...}). Its weights are random: the
/// claims run on it in the published form for timing, and its numbers say nothing about the published model.
/// </summary>
public static class StandInMarker
{
    public const string FileName = "stand-in";

    public static void Write(string directory, string model, int seed) =>
        File.WriteAllText(Path.Combine(directory, FileName),
            $"{model}\nseeded random weights (seed {seed}) at {model}'s shapes, written by `verification models synth`; not the published model\n");

    /// <summary>The published model a directory stands in for, or null when it carries no stand-in mark.</summary>
    /// <remarks>
    /// Both files are read through SafeFile (regular files, bounded): a FIFO or /dev/zero here would otherwise hang or
    /// exhaust memory before the loader's checks. A marker that cannot be read is bad input (ModelFormatException); a
    /// config that cannot be read is no mark here, and the loader reports it.
    /// </remarks>
    public static string? Read(string directory)
    {
        var marker = Path.Combine(directory, FileName);
        if (File.Exists(marker))
        {
            var first = SafeFile.ReadAllText(marker, MarkerBytes, "stand-in marker").Split('\n')[0].Trim();
            return first.Length == 0 ? null : first;
        }
        var config = Path.Combine(directory, "config.json");
        if (!File.Exists(config)) return null;
        try
        {
            using var doc = JsonDocument.Parse(SafeFile.ReadAllText(config, LoadLimits.ConfigBytes, "config"));
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && doc.RootElement.TryGetProperty("stand_in", out var s) && s.ValueKind == JsonValueKind.Object
                   && s.TryGetProperty("for", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or ModelFormatException) { return null; } // the loader's error to report
    }

    /// <summary>The marker is two short lines; anything longer is not one.</summary>
    private const long MarkerBytes = 64 * 1024;
}
