using Verification.Claims.Framework;
using Verification.Experiments;

namespace Verification.Claims.Specs;

/// <summary>S3: induction also raises the tokens nearest to B in unembedding space, about half-way between B and random tokens.</summary>
public sealed class S3NearBTokens : DecoderClaimSpec
{
    private const ulong SeedOffset = 0x5300;
    private const int CiReference = 512;
    public const int Neighbours = 5;
    public const double PublishedLow = 0.25, PublishedHigh = 0.75;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "S3",
        Title = "Induction raises tokens near B",
        Source = "[002] attn-only-2l: induction strength depends on the tokens",
        Statement = "Measuring induction strength with a token B* near B (cosine similarity of unembedding vectors) in place of B, on the same " +
                    "sequences, gives strengths between those of B and of random tokens R: about half-way.",
        PublishedModel = "attn-only-2l",
        Published = new[]
        {
            new PublishedNumber("sequences", 4096),
        },
        Rule = $"B* = each of B's {Neighbours} nearest tokens (their strengths averaged per sequence). Any model: strength(B*) − strength(R) and " +
               "strength(B) − strength(B*) are both positive by more than 3 s.e. of the paired per-sequence differences (B* lies strictly between R and B). " +
               $"attn-only-2l also: the fraction (B* − R)/(B − R) lies in [{PublishedLow}, {PublishedHigh}] (\"about half-way\" is the document's; the band and the 3 s.e. tests are ours).",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        int batch = context.Pick(ci: ForwardBudget.Size(model, CiReference, 128, 1024), full: 4096);
        ulong seed = context.Seed + SeedOffset;
        var protocol = InductionSequenceProtocol.For(model, batch, seed);
        var sequences = InductionSequences.Generate(protocol);
        int? bos = protocol.Bos;
        var near = UnembedNeighbours.Nearest(model.Weights, sequences.B, Neighbours, bos);
        // R: a fresh random token per sequence, never B or BOS.
        var ids = new RandomTokenIds(model.Config.DVocab, bos);
        var rng = new SeededRandom(seed + 1);
        var random = sequences.B.Select(b => { int r; do r = ids.Next(rng); while (r == b); return r; }).ToArray();
        var targets = Enumerable.Range(0, batch).Select(i => new[] { sequences.B[i] }.Concat(near[i]).Append(random[i]).ToArray()).ToArray();
        var m = InductionStrength.Measure(model, sequences, targets);

        var sB = m.Strengths(0);
        var sR = m.Strengths(Neighbours + 1);
        var sStar = Enumerable.Range(0, batch).Select(i => Enumerable.Range(1, Neighbours).Average(j => m.Strength(i, j))).ToArray();
        var perRank = Enumerable.Range(1, Neighbours).Select(j => m.Strengths(j)).ToArray();
        var starMinusR = sStar.Zip(sR, (x, y) => x - y).ToArray();
        var bMinusStar = sB.Zip(sStar, (x, y) => x - y).ToArray();
        double fraction = (sStar.Average() - sR.Average()) / (sB.Average() - sR.Average());

        bool above = starMinusR.Average() - 3 * Statistics.StandardError(starMinusR) > 0;
        bool below = bMinusStar.Average() - 3 * Statistics.StandardError(bMinusStar) > 0;
        bool published = target.Name == "attn-only-2l";
        bool halfway = fraction >= PublishedLow && fraction <= PublishedHigh;
        var checks = new List<ClaimCheck>
        {
            new("near-B tokens gain more than random tokens", above, $"B* − R {starMinusR.Average():F3} ± {Statistics.StandardError(starMinusR):F3}", "> 3 s.e. (paired)", CheckOwner.Ours),
            new("near-B tokens gain less than B", below, $"B − B* {bMinusStar.Average():F3} ± {Statistics.StandardError(bMinusStar):F3}", "> 3 s.e. (paired)", CheckOwner.Ours),
        };
        if (published)
            checks.Add(new("about half-way", halfway, $"(B* − R)/(B − R) = {fraction:F2}", $"in [{PublishedLow}, {PublishedHigh}] (\"half-way\": document; band: ours)",
                CheckOwner.Ours, CheckGroup.Agreement));
        string reason = $"strength B {sB.Average():F3} ± {Statistics.StandardError(sB):F3}, B* {sStar.Average():F3} ± {Statistics.StandardError(sStar):F3}, " +
                        $"R {sR.Average():F3} ± {Statistics.StandardError(sR):F3}; B* − R {starMinusR.Average():F3} ± {Statistics.StandardError(starMinusR):F3} " +
                        $"({(above ? "> 0" : "not > 0")} by 3 s.e.), B − B* {bMinusStar.Average():F3} ± {Statistics.StandardError(bMinusStar):F3} ({(below ? "> 0" : "not > 0")} by 3 s.e.); " +
                        $"fraction (B* − R)/(B − R) = {fraction:F2}" + (published ? $" ({(halfway ? "within" : "outside")} [{PublishedLow}, {PublishedHigh}])" : "");

        var measured = new List<MeasuredNumber>
        {
            new("strength of B", sB.Average(), 1e-3, Statistics.StandardError(sB)),
            new($"strength of B* (mean of {Neighbours} nearest)", sStar.Average(), 1e-3, Statistics.StandardError(sStar)),
            new("strength of R (random)", sR.Average(), 1e-3, Statistics.StandardError(sR)),
            new("B* − R", starMinusR.Average(), 1e-3, Statistics.StandardError(starMinusR)),
            new("B − B*", bMinusStar.Average(), 1e-3, Statistics.StandardError(bMinusStar)),
            new("fraction (B* − R)/(B − R)", fraction, 1e-3),
        };
        measured.AddRange(perRank.Select((s, j) => new MeasuredNumber($"strength of neighbour {j + 1}", s.Average(), 1e-3, Statistics.StandardError(s))));
        var labels = new[] { "B" }.Concat(Enumerable.Range(1, Neighbours).Select(j => $"B*{j}")).Concat(new[] { "B* mean", "R" }).ToArray();
        var values = new[] { sB.Average() }.Concat(perRank.Select(s => s.Average())).Concat(new[] { sStar.Average(), sR.Average() }).ToArray();
        return new ClaimOutcome
        {
            Verdict = ClaimOutcome.Judge(checks),
            Checks = checks,
            Reason = reason,
            Protocol = protocol.Describe() + (context.Size == RunSize.Ci ? "; " + ForwardBudget.Describe(CiReference, batch) : "") + $"; targets read on the same logits: B, B's {Neighbours} nearest tokens by cosine of W_U columns (processed weights; " +
                       $"B and BOS excluded; ties to the lower id), and one random token R per sequence ({ids.Describe()}, never B; xoshiro256** seed {seed + 1}); strength as S1",
            Measured = measured,
            Figures = new Figure[] { new BarChartFigure($"Induction strength of B, its nearest tokens and random tokens ({target.Name})", $"{batch} sequences", labels, values, "mean strength") },
        };
    }
}
