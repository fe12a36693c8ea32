namespace Verification.Tests.Claims;

/// <summary>
/// fixtures/ground-truth/gpt2-small-circuits (tools/ground_truth/gpt2_small_circuits.py) and its broken twins, and what
/// G1-G3 must say on each, in each form: the table README.md shows (a test checks that it does) and the tests assert.
/// </summary>
public static class Gpt2GroundTruth
{
    public const string Model = "ground-truth/gpt2-small-circuits";

    /// <summary>Twin suffix → the mechanism it removes or moves.</summary>
    public static readonly (string Suffix, string Mechanism)[] Twins =
    {
        ("no-bos-sink", "the induction heads' BOS sink (query constant 0)"),
        ("induction-moved", "the five induction heads moved to 5.8, 5.0, 6.3, 7.6, 7.4"),
        ("previous-token-scrambled", "L4H11's query map replaced by a random one: no previous-token head"),
        ("large-bos-values", "the induction heads' W_V also reads the BOS flag: large values at BOS"),
    };

    public static IReadOnlyList<string> Models { get; } = new[] { Model }.Concat(Twins.Select(t => $"{Model}-{t.Suffix}")).ToList();

    public enum Form { Generic, AsGpt2Small }

    /// <summary>One cell: a claim in a form on a model; Failing = null where it holds, else the name fragment of a check that must fail.</summary>
    public sealed record Cell(string Claim, Form Form, string Model, string? Failing)
    {
        public string FormName => Form == Form.Generic ? "generic" : "as gpt2-small";
        public string Expected => Failing == null ? "holds" : $"fails ({Failing})";
    }

    private const string Exists = "an induction head exists";
    private const string Sink = "attends mostly to BOS";
    private const string Values = "BOS value norm much smaller";
    private const string NotInduction = "L5H1 is an induction head";

    // Columns: the ground truth, then the twins in Twins' order.
    private static readonly (string Claim, Form Form, string?[] Failing)[] Rows =
    {
        ("G1", Form.Generic,     new string?[] { null, null, null, Exists, null }),
        ("G1", Form.AsGpt2Small, new string?[] { null, null, "5.1 is an induction head", Exists, null }),
        ("G2", Form.Generic,     new string?[] { null, Sink, null, Exists, null }),
        ("G2", Form.AsGpt2Small, new string?[] { null, Sink, NotInduction, NotInduction, null }),
        ("G3", Form.Generic,     new string?[] { null, null, null, Exists, Values }),
        ("G3", Form.AsGpt2Small, new string?[] { null, null, NotInduction, NotInduction, Values }),
    };

    public static IReadOnlyList<Cell> Cells { get; } =
        Rows.SelectMany(r => r.Failing.Select((f, i) => new Cell(r.Claim, r.Form, Models[i], f))).ToList();

    /// <summary>The README table's rows: "| G1 | generic | holds | ... |".</summary>
    public static IEnumerable<string> TableRows() =>
        Rows.Select(r => $"| {r.Claim} | {(r.Form == Form.Generic ? "generic" : "as gpt2-small")} | " +
                         string.Join(" | ", r.Failing.Select(f => f == null ? "holds" : $"fails ({f})")) + " |");
}
