using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verification.Claims.Framework;

namespace Verification.Claims.Golden;

/// <summary>The result of comparing measured numbers with a verified golden file.
/// <see cref="WeightsNote"/> says when the golden file was recorded on other weights (its digest differs).</summary>
public sealed record GoldenComparison(GoldenStatus Status, IReadOnlyList<string> Differences, string VerifiedPath, string? ReceivedPath, string? WeightsNote = null);

/// <summary>
/// Golden numbers in Verify's conventions: golden/&lt;claim&gt;.&lt;model&gt;.verified.json is committed; a mismatch (or a missing
/// verified file) writes &lt;claim&gt;.&lt;model&gt;.received.json beside it (git-ignored) and fails, naming each number that moved.
/// Accepting is deliberate: `verification golden accept`, or VERIFICATION_ACCEPT=1 for a run. Numbers compare with the
/// tolerance stored in the verified file. Each file carries the digest of the weights it was recorded on (see ModelDigest).
/// </summary>
public sealed class GoldenStore
{
    public const string AcceptVariable = "VERIFICATION_ACCEPT";
    public string Directory { get; }
    public bool AcceptAll { get; }

    public GoldenStore(string directory, bool? acceptAll = null)
    {
        Directory = directory;
        AcceptAll = acceptAll ?? Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true" or "yes";
    }

    /// <summary>
    /// The project's own golden folder (the fixtures' numbers, for the specs): $VERIFICATION_GOLDEN, else golden/ in the
    /// checkout above the working directory or the binaries (the folder holding Verification.sln), else null.
    /// </summary>
    public static string? FindRepositoryDirectory()
    {
        if (Environment.GetEnvironmentVariable("VERIFICATION_GOLDEN") is { Length: > 0 } env) return env;
        foreach (var start in new[] { System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Verification.sln"))) return Path.Combine(dir.FullName, "golden");
        return null;
    }

    /// <summary>
    /// The golden folder of a command-line run: $VERIFICATION_GOLDEN, else ./golden of the working directory (the user's
    /// repository), never looked for in the tool's checkout.
    /// </summary>
    public static string DefaultDirectory() =>
        Environment.GetEnvironmentVariable("VERIFICATION_GOLDEN") is { Length: > 0 } env ? Path.GetFullPath(env)
            : Path.Combine(System.IO.Directory.GetCurrentDirectory(), "golden");

    public string VerifiedPath(string claim, string model) => Path.Combine(Directory, $"{claim}.{model}.verified.json");
    public string ReceivedPath(string claim, string model) => Path.Combine(Directory, $"{claim}.{model}.received.json");

    public GoldenComparison Compare(string claim, string model, ClaimOutcome outcome, string? digest = null)
    {
        var verified = VerifiedPath(claim, model);
        var received = ReceivedPath(claim, model);
        var diffs = new List<string>();
        string? weightsNote = null;
        bool digestStale = false;
        if (!File.Exists(verified))
        {
            diffs.Add($"no verified golden file {Path.GetFileName(verified)} yet");
        }
        else
        {
            var golden = Read(verified);
            var recorded = golden["digest"]?.GetValue<string>();
            digestStale = digest != null && recorded != digest;
            if (recorded != null && digestStale)
                weightsNote = $"weights differ from the golden file's: golden recorded on {recorded}, this run's weights are {digest}";
            string goldenVerdict = golden["verdict"]?.GetValue<string>() ?? "";
            string verdict = VerdictName(outcome.Verdict);
            if (goldenVerdict != verdict) diffs.Add($"verdict: golden '{goldenVerdict}', now '{verdict}'");
            var numbers = golden["numbers"]?.AsObject() ?? new JsonObject();
            var measured = outcome.Measured.ToDictionary(m => m.Name);
            foreach (var (name, node) in numbers)
            {
                // A non-finite number is stored as null and never matches: a NaN in a measurement is a bug to see, not to keep.
                double want = node!["value"]?.GetValue<double>() ?? double.NaN, tol = node["tolerance"]!.GetValue<double>();
                if (!measured.TryGetValue(name, out var m)) { diffs.Add($"'{name}': golden {F(want)}, no longer measured"); continue; }
                double diff = Math.Abs(m.Value - want);
                // Verified files keep nine significant digits: the rounding (≤ 5e-9 relative) is not a change.
                if (!(diff <= tol + 1e-8 * Math.Abs(want))) diffs.Add($"'{name}': golden {F(want)} ± {F(tol)}, measured {F(m.Value)} (off by {F(diff)})");
            }
            foreach (var m in outcome.Measured.Where(m => !numbers.ContainsKey(m.Name)))
                diffs.Add($"'{m.Name}': measured {F(m.Value)}, not in the golden file");
        }

        if (diffs.Count == 0)
        {
            if (File.Exists(received)) File.Delete(received);
            // Accepting records the digest of the weights the numbers were measured on, also where the numbers did not move.
            if (AcceptAll && digestStale) { RecordDigest(verified, digest!); weightsNote = null; }
            return new GoldenComparison(GoldenStatus.Match, diffs, verified, null, weightsNote);
        }
        var status = File.Exists(verified) ? GoldenStatus.Mismatch : GoldenStatus.Missing;
        if (AcceptAll)
        {
            Write(verified, claim, model, outcome, digest);
            if (File.Exists(received)) File.Delete(received);
            return new GoldenComparison(GoldenStatus.Match, Array.Empty<string>(), verified, null);
        }
        Write(received, claim, model, outcome, digest);
        return new GoldenComparison(status, diffs, verified, received, weightsNote);
    }

    /// <summary>Moves every received file over its verified file; returns the files accepted.</summary>
    public IReadOnlyList<string> AcceptReceived()
    {
        if (!System.IO.Directory.Exists(Directory)) return Array.Empty<string>();
        var accepted = new List<string>();
        foreach (var received in System.IO.Directory.GetFiles(Directory, "*.received.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            var verified = received[..^".received.json".Length] + ".verified.json";
            File.Move(received, verified, overwrite: true);
            accepted.Add(verified);
        }
        return accepted;
    }

    public static string VerdictName(Verdict v) => v switch { Verdict.Holds => "holds", Verdict.Fails => "fails", _ => "not-run" };

    private static JsonObject Read(string path)
    {
        try { return JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new JsonException("not an object"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        { throw new InvalidDataException($"{path}: golden file is not valid JSON ({e.Message})"); }
    }

    // Only the digest changes: the numbers stay as verified (a rewrite would churn their last digits in review).
    private static void RecordDigest(string path, string digest)
    {
        var doc = new JsonObject();
        foreach (var (key, node) in Read(path))
        {
            if (key == "digest") continue;
            doc[key] = node?.DeepClone();
            if (key == "model") doc["digest"] = digest;
        }
        File.WriteAllText(path, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private void Write(string path, string claim, string model, ClaimOutcome outcome, string? digest)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var numbers = new JsonObject();
        foreach (var m in outcome.Measured)
        {
            var n = new JsonObject { ["value"] = Finite(Round(m.Value)), ["tolerance"] = m.Tolerance };
            if (m.StandardError is { } se) n["standard_error"] = Finite(Round(se));
            if (m.Note != null) n["note"] = m.Note;
            numbers[m.Name] = n;
        }
        var doc = new JsonObject
        {
            ["claim"] = claim,
            ["model"] = model,
            ["digest"] = digest,
            ["verdict"] = VerdictName(outcome.Verdict),
            ["protocol"] = outcome.Protocol,
            ["numbers"] = numbers,
        };
        File.WriteAllText(path, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    // Nine significant digits: far below any tolerance, and stable diffs in review.
    private static double Round(double v) => double.IsFinite(v) ? double.Parse(v.ToString("G9", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : v;

    private static JsonNode? Finite(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
