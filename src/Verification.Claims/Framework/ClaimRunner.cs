using System.Diagnostics;
using Verification.Claims.Golden;

namespace Verification.Claims.Framework;

/// <summary>Runs claims on models, turning absent weights and inapplicable claims into "not run" with the reason, and gates on golden numbers.</summary>
public sealed class ClaimRunner
{
    private readonly GoldenStore? _golden;
    private readonly ClaimRunContext _context;

    public ClaimRunner(GoldenStore? golden, ClaimRunContext context)
    {
        _golden = golden;
        _context = context;
    }

    public ClaimResult Run(ClaimSpec spec, ModelTarget target)
    {
        var clock = Stopwatch.StartNew();
        var outcome = Measure(spec, target, _context);
        var result = new ClaimResult { Claim = spec.Definition, Model = target.Name, ModelKind = target.Kind, Outcome = outcome };
        // Golden numbers are kept for CI-size runs (--full sizes differ). A claim that did not run is compared only where a
        // verified file exists: a spec that ran before and now cannot (it throws, its model vanished) is a regression.
        if (_golden != null && _context.Size == RunSize.Ci &&
            (outcome.Verdict != Verdict.NotRun || File.Exists(_golden.VerifiedPath(spec.Definition.Id, target.Name))))
        {
            var cmp = _golden.Compare(spec.Definition.Id, target.Name, outcome, target.Digest);
            result = result with { Golden = cmp.Status, GoldenDifferences = cmp.Differences, GoldenNote = cmp.WeightsNote };
        }
        return result with { Seconds = clock.Elapsed.TotalSeconds };
    }

    private static ClaimOutcome Measure(ClaimSpec spec, ModelTarget target, ClaimRunContext context)
    {
        if (spec.CannotApplyTo(target) is { } why) return ClaimOutcome.NotRun(why);
        if (!target.Available) return ClaimOutcome.NotRun(target.UnavailableReason ?? "model unavailable");
        try
        {
            return spec.Evaluate(target, context);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or IOException
                                   or Verification.Loading.ModelFormatException)
        {
            // A model the claim cannot be measured on (context too short, no tokenizer, unreadable file): said, not crashed.
            return ClaimOutcome.NotRun($"could not run on {target.Name}: {e.Message}");
        }
    }
}
