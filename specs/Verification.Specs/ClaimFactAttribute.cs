using Verification.Claims.Framework;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Verification.Specs;

/// <summary>
/// Marks the method that runs one claim on one model: xunit lists one test per claim and model ("A6 on attn-only-2l-mini"),
/// and a claim that cannot run there (weights absent, architecture it cannot apply to) is listed as skipped with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Verification.Specs.ClaimTestCaseDiscoverer", "Verification.Specs")]
public sealed class ClaimFactAttribute : FactAttribute;

/// <summary>Enumerates claims × models at discovery: cheap (no model is loaded, cached weights are only looked up).</summary>
public sealed class ClaimTestCaseDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo attribute)
    {
        foreach (var target in SpecSession.Targets)
            foreach (var spec in ClaimCatalog.All)
            {
                var skip = spec.CannotApplyTo(target) ?? (target.Available ? null : target.UnavailableReason ?? "not run: model unavailable");
                yield return new ClaimTestCase(diagnostics, method, spec.Definition.Id, target.Name, skip);
            }
    }
}

/// <summary>One claim on one model, named and skipped as such; serialisable so the runner can hand it across.</summary>
public sealed class ClaimTestCase : XunitTestCase
{
    private string? _skip;

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ClaimTestCase() { }

    public ClaimTestCase(IMessageSink diagnostics, ITestMethod method, string claim, string model, string? skip)
        : base(diagnostics, TestMethodDisplay.Method, TestMethodDisplayOptions.None, method, new object[] { claim, model })
    {
        _skip = skip;
    }

    // The skip reason is part of the name: `dotnet test` prints skipped tests' names, not their reasons, at every verbosity
    // below "detailed", and a skip has to say why where it is read.
    protected override string GetDisplayName(IAttributeInfo factAttribute, string displayName) =>
        $"{TestMethodArguments[0]} on {TestMethodArguments[1]}" + (_skip is { } why ? $" ({why})" : "");

    protected override string? GetSkipReason(IAttributeInfo factAttribute) => _skip;

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("ClaimSkip", _skip);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _skip = data.GetValue<string?>("ClaimSkip");
        base.Deserialize(data);
    }
}
