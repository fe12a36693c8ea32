using System.Text.Json.Nodes;
using Verification.Claims.Framework;
using Verification.Claims.Reports;

namespace Verification.Tests.Claims;

/// <summary>A claim's rule as named checks: the verdict follows them, and every report format shows them as rows.</summary>
public sealed class ClaimChecksTests
{
    private static readonly ClaimCheck Pass = new("L1H6 is the top layer-1 head", true, "0.81", "top", CheckOwner.Ours);
    private static readonly ClaimCheck Fail = ClaimCheck.Near("L6 logit diff", -0.9, 0.1, -0.14, 0.3);

    [Fact]
    public void Verdict_holds_exactly_when_every_check_passes()
    {
        ClaimOutcome.Judge(new[] { Pass }).Should().Be(Verdict.Holds);
        ClaimOutcome.Judge(new[] { Pass, Fail }).Should().Be(Verdict.Fails);
        ClaimOutcome.Judge(Array.Empty<ClaimCheck>()).Should().Be(Verdict.Fails, "a rule with nothing checked cannot hold");
        Fail.Passed.Should().BeFalse("|−0.9 − (−0.14)| = 0.76 > 3 × 0.1 + 0.3");
        ClaimCheck.Near("x", -0.5, 0.1, -0.14, 0.3).Passed.Should().BeTrue("0.36 ≤ 0.6");
        Fail.Group.Should().Be(CheckGroup.Agreement);
        Fail.Whose.Should().Be(CheckOwner.Ours, "the 3 s.e. + slack band is ours, never labelled the document's");
        ClaimOutcome.FailedText(new[] { Pass, Fail }).Should().Contain("L6 logit diff").And.NotContain("top layer-1");
        ClaimCheck.SignificantlyPositive(0.21, 0.1).Should().BeTrue();
        ClaimCheck.SignificantlyPositive(0.19, 0.1).Should().BeFalse();
    }

    [Fact]
    public void Results_json_markdown_and_html_carry_every_check()
    {
        var report = Sample();
        var json = JsonNode.Parse(JsonReportWriter.Render(report))!;
        var checks = json["results"]![0]!["checks"]!.AsArray();
        checks.Should().HaveCount(2);
        checks[0]!["name"]!.GetValue<string>().Should().Be(Pass.Name);
        checks[0]!["passed"]!.GetValue<bool>().Should().BeTrue();
        checks[0]!["whose"]!.GetValue<string>().Should().Be("our threshold");
        checks[1]!["passed"]!.GetValue<bool>().Should().BeFalse();
        checks[1]!["group"]!.GetValue<string>().Should().Be("agreement");
        checks[1]!["wanted"]!.GetValue<string>().Should().Contain("-0.14");

        var md = MarkdownReportWriter.Render(report);
        md.Should().Contain("| check | result | measured | wanted | whose | group |");
        md.Should().Contain($"| {Pass.Name} | pass |").And.Contain("| L6 logit diff agrees with published | **FAIL** |");

        var html = HtmlReportWriter.Render(report);
        html.Should().Contain("<table class='checks' id='checks-X2-sample-model'>");
        html.Should().Contain($"<td>{Pass.Name}</td><td class='holds'>pass</td>").And.Contain("<td class='fails'>FAIL</td>");
    }

    [ChromiumFact]
    public void Checks_table_renders_legibly_in_Chromium()
    {
        var dir = Directory.CreateTempSubdirectory("report-checks-");
        Sample().WriteAll(dir.FullName);
        var page = Path.Combine(dir.FullName, "report.html");
        var dom = HeadlessChromium.DumpDom(page);
        dom.Should().Contain("class=\"checks\"").And.Contain("L6 logit diff agrees with published").And.Contain("FAIL");
        HeadlessChromium.Screenshot(page, Path.Combine(dir.FullName, "checks.png"));
        new FileInfo(Path.Combine(dir.FullName, "checks.png")).Length.Should().BeGreaterThan(1000);
    }

    private static ClaimReport Sample()
    {
        var claim = new ClaimDefinition { Id = "X2", Title = "Checks", Source = "[test]", Statement = "s", PublishedModel = "none", Rule = "r" };
        var checks = new[] { Pass, Fail };
        var outcome = new ClaimOutcome { Verdict = ClaimOutcome.Judge(checks), Reason = ClaimOutcome.FailedText(checks), Checks = checks };
        var result = new ClaimResult { Claim = claim, Model = "sample-model", ModelKind = TargetKind.Fixture, Outcome = outcome };
        return new ClaimReport(new[] { result }, RunSize.Ci, 1, DateTimeOffset.UnixEpoch, "test", "managed");
    }
}
