using Verification.Claims.Framework;
using Verification.Claims.Golden;

namespace Verification.Tests.Claims;

/// <summary>Verify's conventions with numeric tolerances: verified is committed, received is written on mismatch, accepting is explicit.</summary>
public sealed class GoldenStoreTests
{
    private static ClaimOutcome Outcome(Verdict verdict, params (string Name, double Value, double Tol)[] numbers) => new()
    {
        Verdict = verdict, Reason = "test", Protocol = "p",
        Measured = numbers.Select(n => new MeasuredNumber(n.Name, n.Value, n.Tol)).ToList(),
    };

    private static GoldenStore NewStore(bool accept = false) => new(Directory.CreateTempSubdirectory("golden-").FullName, accept);

    [Fact]
    public void A_first_run_is_missing_and_writes_only_a_received_file()
    {
        var store = NewStore();
        var cmp = store.Compare("A6", "m", Outcome(Verdict.Holds, ("x", 1.0, 0.01)));
        cmp.Status.Should().Be(GoldenStatus.Missing);
        File.Exists(store.ReceivedPath("A6", "m")).Should().BeTrue();
        File.Exists(store.VerifiedPath("A6", "m")).Should().BeFalse();
    }

    [Fact]
    public void Accepting_moves_received_over_verified_and_later_runs_match_within_tolerance()
    {
        var store = NewStore();
        store.Compare("A6", "m", Outcome(Verdict.Holds, ("x", 1.0, 0.01)));
        store.AcceptReceived().Should().ContainSingle().Which.Should().EndWith("A6.m.verified.json");
        File.Exists(store.ReceivedPath("A6", "m")).Should().BeFalse();

        store.Compare("A6", "m", Outcome(Verdict.Holds, ("x", 1.009, 0.01))).Status.Should().Be(GoldenStatus.Match);
    }

    [Fact]
    public void A_number_beyond_its_tolerance_is_a_mismatch_naming_the_number_and_leaves_the_verified_file_alone()
    {
        var store = NewStore();
        store.Compare("A6", "m", Outcome(Verdict.Holds, ("P(B) at length 3", 0.065, 1e-4), ("other", 2, 0)));
        store.AcceptReceived();
        var before = File.ReadAllText(store.VerifiedPath("A6", "m"));

        var cmp = store.Compare("A6", "m", Outcome(Verdict.Holds, ("P(B) at length 3", 0.0652, 1e-4), ("other", 2, 0)));
        cmp.Status.Should().Be(GoldenStatus.Mismatch);
        cmp.Differences.Should().ContainSingle().Which.Should().Contain("'P(B) at length 3'").And.Contain("0.065").And.Contain("0.0652");
        File.ReadAllText(store.VerifiedPath("A6", "m")).Should().Be(before);
        File.ReadAllText(store.ReceivedPath("A6", "m")).Should().Contain("0.0652");
    }

    [Fact]
    public void A_verdict_that_changes_is_a_mismatch_even_when_the_numbers_stay()
    {
        var store = NewStore();
        store.Compare("G1", "m", Outcome(Verdict.Holds, ("n", 1, 0)));
        store.AcceptReceived();
        store.Compare("G1", "m", Outcome(Verdict.Fails, ("n", 1, 0))).Differences.Should().ContainSingle().Which.Should().Contain("verdict");
    }

    [Fact]
    public void Numbers_that_appear_or_disappear_are_mismatches()
    {
        var store = NewStore();
        store.Compare("G1", "m", Outcome(Verdict.Holds, ("a", 1, 0)));
        store.AcceptReceived();
        var diffs = store.Compare("G1", "m", Outcome(Verdict.Holds, ("b", 1, 0))).Differences;
        diffs.Should().HaveCount(2);
        diffs.Should().Contain(d => d.Contains("'a'") && d.Contains("no longer measured"));
        diffs.Should().Contain(d => d.Contains("'b'") && d.Contains("not in the golden file"));
    }

    [Fact]
    public void A_NaN_never_matches()
    {
        var store = NewStore();
        store.Compare("G1", "m", Outcome(Verdict.Holds, ("a", 1, 1)));
        store.AcceptReceived();
        store.Compare("G1", "m", Outcome(Verdict.Holds, ("a", double.NaN, 1))).Status.Should().Be(GoldenStatus.Mismatch);
    }

    [Fact]
    public void Accept_all_writes_verified_directly()
    {
        var store = NewStore(accept: true);
        store.Compare("G1", "m", Outcome(Verdict.Holds, ("a", 1, 0))).Status.Should().Be(GoldenStatus.Match);
        File.Exists(store.VerifiedPath("G1", "m")).Should().BeTrue();
        File.Exists(store.ReceivedPath("G1", "m")).Should().BeFalse();
    }

    [Fact]
    public void A_corrupt_verified_file_is_a_clear_error_naming_it()
    {
        var store = NewStore();
        Directory.CreateDirectory(store.Directory);
        File.WriteAllText(store.VerifiedPath("G1", "m"), "{ not json");
        var act = () => store.Compare("G1", "m", Outcome(Verdict.Holds));
        act.Should().Throw<InvalidDataException>().WithMessage("*G1.m.verified.json*not valid JSON*");
    }

    [Fact]
    public void A_number_with_zero_tolerance_matches_itself_after_the_nine_digit_rounding_of_the_file()
    {
        var store = NewStore();
        double share = 2.0 / 29; // 0.0689655172..., stored as 0.0689655172
        store.Compare("A4", "m", Outcome(Verdict.Holds, ("share", share, 0)));
        store.AcceptReceived();
        store.Compare("A4", "m", Outcome(Verdict.Holds, ("share", share, 0))).Status.Should().Be(GoldenStatus.Match);
        store.Compare("A4", "m", Outcome(Verdict.Holds, ("share", 3.0 / 29, 0))).Status.Should().Be(GoldenStatus.Mismatch);
    }
}
