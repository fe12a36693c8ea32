using Verification.Claims.Framework;
using Verification.Experiments;
using Verification.Lens;

namespace Verification.Claims.Specs;

/// <summary>S2: how strongly induction works depends on the token: per-token A power and B power spread widely.</summary>
public sealed class S2TokenPowers : DecoderClaimSpec
{
    private const ulong SeedOffset = 0x5200;
    private const int CiReferenceTokens = 32;
    /// <summary>Spread over noise needed: between-token variance at least 1.25× the noise variance (F ≈ 2.25).</summary>
    public const double SpreadThreshold = 1.5;

    public override ClaimDefinition Definition { get; } = new()
    {
        Id = "S2",
        Title = "Induction strength varies by token",
        Source = "[002] attn-only-2l: induction strength depends on the tokens",
        Statement = "A token's A power (mean induction strength over sequences where it is A) and B power (where it is B) differ widely " +
                    "between tokens: some tokens induct much better than others. Worked example: A = \" Fab\", B = \"ien\".",
        PublishedModel = "attn-only-2l",
        Published = new[]
        {
            new PublishedNumber("tokens measured", 10000, "the first 10000 token ids"),
            new PublishedNumber("sequences per token and role", 256),
            new PublishedNumber("worked-example sequences", 4096, "A = \" Fab\", B = \"ien\""),
        },
        Rule = "The document says the powers \"spread widely\" and gives no measure: the measures and thresholds here are ours. Any model: there is induction to vary (the mean A power is positive by more than 3 s.e.), and for both A and B powers the " +
               $"standard deviation of the per-token means across tokens is at least {SpreadThreshold}× the root-mean-square of their standard " +
               "errors (the spread pure noise would give). The \" Fab\"/\"ien\" example runs on attn-only-2l only (it needs that tokenizer) and is reported, not judged.",
    };

    public override ClaimOutcome Evaluate(ModelTarget target, ClaimRunContext context)
    {
        var model = target.Model;
        ulong seed = context.Seed + SeedOffset;
        int perToken = context.Pick(ci: 12, full: 256);
        int firstIds = Math.Min(model.Config.DVocab, 10000);
        int count = context.Pick(ci: ForwardBudget.Size(model, CiReferenceTokens, 12, 64), full: 10000);
        var tokens = TokenPowers.SampleTokens(count, firstIds, model.BosTokenId, seed);
        var a = TokenPowers.Measure(model, tokens, TokenPowers.Role.A, perToken, seed);
        var b = TokenPowers.Measure(model, tokens, TokenPowers.Role.B, perToken, seed);
        var sa = TokenPowers.Spread(a);
        var sb = TokenPowers.Spread(b);

        bool induction = sa.Mean - 3 * sa.StandardErrorOfMean > 0;
        bool spread = sa.Ratio >= SpreadThreshold && sb.Ratio >= SpreadThreshold;
        var checks = new List<ClaimCheck>
        {
            new("induction present to vary", induction, $"mean A power {sa.Mean:F3} ± {sa.StandardErrorOfMean:F3}", "> 3 s.e.", CheckOwner.Ours),
            new("A powers spread across tokens", sa.Ratio >= SpreadThreshold, $"std/rms s.e. {sa.Ratio:F2}", $"≥ {SpreadThreshold}", CheckOwner.Ours),
            new("B powers spread across tokens", sb.Ratio >= SpreadThreshold, $"std/rms s.e. {sb.Ratio:F2}", $"≥ {SpreadThreshold}", CheckOwner.Ours),
        };
        string reason = $"mean A power {sa.Mean:F3} ± {sa.StandardErrorOfMean:F3} ({(induction ? "induction present" : "no induction beyond 3 s.e.")}); " +
                        $"spread/noise A {sa.Ratio:F2} (std {sa.StdAcrossTokens:F3} vs rms s.e. {sa.RmsStandardError:F3}), " +
                        $"B {sb.Ratio:F2} (std {sb.StdAcrossTokens:F3} vs {sb.RmsStandardError:F3}); threshold {SpreadThreshold}";

        var measured = new List<MeasuredNumber>();
        foreach (var (name, s) in new[] { ("A power", sa), ("B power", sb) })
        {
            measured.Add(new MeasuredNumber($"{name}: mean over tokens", s.Mean, 1e-3, s.StandardErrorOfMean));
            measured.Add(new MeasuredNumber($"{name}: std across tokens", s.StdAcrossTokens, 1e-3));
            measured.Add(new MeasuredNumber($"{name}: rms standard error", s.RmsStandardError, 1e-3));
            measured.Add(new MeasuredNumber($"{name}: spread over noise", s.Ratio, 1e-3));
        }
        var figures = new List<Figure>
        {
            new HistogramFigure($"A power per token ({target.Name})", $"{tokens.Count} tokens × {perToken} sequences", a.Select(p => p.Mean).ToArray(), 30, "mean induction strength with the token as A"),
            new HistogramFigure($"B power per token ({target.Name})", $"{tokens.Count} tokens × {perToken} sequences", b.Select(p => p.Mean).ToArray(), 30, "mean induction strength with the token as B"),
            TopBottom(model, "A power", a),
            TopBottom(model, "B power", b),
        };

        string example = "";
        if (target.Name == "attn-only-2l")
        {
            var (text, numbers, figs) = WorkedExample(model, context, seed);
            example = "; " + text;
            measured.AddRange(numbers);
            figures.AddRange(figs);
        }
        return new ClaimOutcome
        {
            Verdict = ClaimOutcome.Judge(checks),
            Checks = checks,
            Reason = reason + example,
            Protocol = $"{tokens.Count} tokens {(tokens.Count == firstIds - (model.BosTokenId < firstIds ? 1 : 0) ? "(all of" : "(a seeded sample of")} the first {firstIds} ids except BOS); per token and role " +
                       $"{perToken} sequences from their own seed (run seed {seed} mixed with token and role); " +
                       InductionSequenceProtocol.For(model, perToken, seed).Describe() + "; strength as S1" +
                       (context.Size == RunSize.Ci ? $"; tokens: {ForwardBudget.Describe(CiReferenceTokens, tokens.Count)}" : ""),
            Measured = measured,
            Figures = figures,
        };
    }

    private static TableFigure TopBottom(HookedTransformer model, string name, IReadOnlyList<TokenPower> powers)
    {
        var sorted = powers.OrderByDescending(p => p.Mean).ToList();
        var rows = sorted.Take(10).Select(p => Row("top", p)).Concat(sorted.TakeLast(10).Select(p => Row("bottom", p))).ToList();
        return new TableFigure($"Top and bottom 10 tokens by {name}", "mean ± s.e. over the token's sequences", new[] { "", "token", name, "s.e." }, rows);

        string[] Row(string which, TokenPower p) => new[] { which, TokenLabels.Of(model, p.Token), p.Mean.ToString("F3"), p.StandardError.ToString("F3") };
    }

    // Document [002]'s example: A = " Fab", B = "ien" fixed in every sequence; log-odds before and after shuffling.
    private static (string, IEnumerable<MeasuredNumber>, IEnumerable<Figure>) WorkedExample(HookedTransformer model, ClaimRunContext context, ulong seed)
    {
        var tok = model.Tokenizer;
        var fab = tok?.Encode(" Fab");
        var ien = tok?.Encode("ien");
        if (fab is not { Count: 1 } || ien is not { Count: 1 })
            return ("worked example not run: the tokenizer does not encode \" Fab\" and \"ien\" as one token each", Array.Empty<MeasuredNumber>(), Array.Empty<Figure>());
        int n = context.Pick(ci: 256, full: 4096);
        var p = InductionSequenceProtocol.For(model, n, seed + 1);
        var batch = InductionSequences.Generate(p, Enumerable.Repeat(fab[0], n).ToArray(), Enumerable.Repeat(ien[0], n).ToArray());
        var m = InductionStrength.Measure(model, batch, batch.B.Select(x => new[] { x }).ToArray());
        var s = m.Strengths(0);
        var before = m.InductionLogOdds.Select(r => r[0]).ToArray();
        var after = m.ShuffledLogOdds.Select(r => r[0]).ToArray();
        return ($"worked example \" Fab\"→\"ien\" over {n} sequences: strength {s.Average():F3} ± {Statistics.StandardError(s):F3}, log-odds {before.Average():F3} vs shuffled {after.Average():F3}",
            new[]
            {
                new MeasuredNumber("\" Fab\"/\"ien\": mean strength", s.Average(), 1e-3, Statistics.StandardError(s)),
                new MeasuredNumber("\" Fab\"/\"ien\": mean log-odds (induction)", before.Average(), 1e-3, Statistics.StandardError(before)),
                new MeasuredNumber("\" Fab\"/\"ien\": mean log-odds (shuffled)", after.Average(), 1e-3, Statistics.StandardError(after)),
            },
            new Figure[]
            {
                new HistogramFigure("\" Fab\"→\"ien\": log-odds of \"ien\" after the induction sequence", $"{n} sequences", before, 40, "log-odds"),
                new HistogramFigure("\" Fab\"→\"ien\": log-odds of \"ien\" after the shuffled sequence", $"{n} sequences", after, 40, "log-odds"),
            });
    }
}
