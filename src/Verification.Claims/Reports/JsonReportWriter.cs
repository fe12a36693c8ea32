using System.Text.Json;
using System.Text.Json.Nodes;
using Verification.Claims.Framework;

namespace Verification.Claims.Reports;

/// <summary>results.json: one entry per claim and model, for CI and scripts.</summary>
public static class JsonReportWriter
{
    public static string Render(ClaimReport report)
    {
        var results = new JsonArray();
        foreach (var r in report.Results)
        {
            var published = new JsonObject();
            foreach (var p in r.Claim.Published) published[p.Name] = Num(p.Value);
            var measured = new JsonObject();
            foreach (var m in r.Outcome.Measured)
            {
                var n = new JsonObject { ["value"] = Num(m.Value), ["tolerance"] = Num(m.Tolerance) };
                if (m.StandardError is { } se) n["standard_error"] = Num(se);
                measured[m.Name] = n;
            }
            results.Add(new JsonObject
            {
                ["id"] = r.Claim.Id,
                ["title"] = r.Claim.Title,
                ["source"] = r.Claim.Source,
                ["model"] = r.Model,
                ["model_kind"] = KindName(r.ModelKind),
                ["verdict"] = ClaimReport.VerdictText(r.Outcome.Verdict),
                ["reason"] = r.Outcome.Reason,
                ["protocol"] = r.Outcome.Protocol,
                ["published"] = published,
                ["measured"] = measured,
                ["checks"] = Checks(r.Outcome.Checks),
                ["golden"] = r.Golden switch
                {
                    GoldenStatus.Match => "match", GoldenStatus.Mismatch => "mismatch", GoldenStatus.Missing => "missing", _ => "not-checked",
                },
                ["golden_differences"] = new JsonArray(r.GoldenDifferences.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
                ["golden_note"] = r.GoldenNote,
                ["seconds"] = Math.Round(r.Seconds, 3),
            });
        }
        var doc = new JsonObject
        {
            ["generated"] = report.Started.ToString("o"),
            ["size"] = report.Size == RunSize.Full ? "full" : "ci",
            ["seed"] = report.Seed,
            ["machine"] = report.Machine,
            ["backend"] = report.Backend,
            ["regressions"] = report.Regressions,
            ["results"] = results,
        };
        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>published, fixture, user or stand-in: which form the claim ran in (published form for published and stand-in).</summary>
    public static string KindName(TargetKind kind) => kind switch
    {
        TargetKind.Published => "published", TargetKind.Fixture => "fixture", TargetKind.User => "user", _ => "stand-in",
    };

    /// <summary>Each named check of the rule: pass/fail, measured against wanted, whose threshold it is, and its group.</summary>
    private static JsonArray Checks(IReadOnlyList<ClaimCheck> checks) => new(checks.Select(c => (JsonNode)new JsonObject
    {
        ["name"] = c.Name,
        ["passed"] = c.Passed,
        ["measured"] = c.Measured,
        ["wanted"] = c.Wanted,
        ["whose"] = ClaimCheck.OwnerName(c.Whose),
        ["group"] = c.Group == CheckGroup.Agreement ? "agreement" : "structure",
    }).ToArray());

    // JSON has no NaN or infinity: those become null.
    private static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}
