using Verification.Experiments;

namespace Verification.Tests.Experiments;

public class SequenceTasksTests
{
    private static readonly TokenPool Pool = new(Bos: 99, Low: 0, High: 100);

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    public void Length_sequences_have_the_documented_layout_and_corruption(int length)
    {
        int k = length - 2;
        var task = SequenceTasks.Lengths(Pool, 5, length, 7);
        task.Clean.Length.Should().Be(SequenceTasks.LengthSequenceTokens(length)).And.Be(3 * k + 6);
        for (int b = 0; b < 5; b++)
        {
            var row = task.Clean.Row(b).ToArray();
            int a = row[1], B = row[2 + k], c = row[3 + k], d = row[4 + 2 * k];
            row[0].Should().Be(99);
            row.Skip(1).Should().NotContain(99);
            task.Correct[b].Should().Be(B);
            task.Wrong[b].Should().Be(d);
            row[5 + 2 * k].Should().Be(a, "the last A");
            for (int i = 0; i < k; i++)
            {
                row[2 + i].Should().Be(row[4 + k + i]);
                row[2 + i].Should().Be(row[6 + 2 * k + i]);
            }
            new[] { a, B, c, d }.Concat(row.Skip(2).Take(k)).Should().OnlyHaveUniqueItems();
            var bad = task.Corrupted.Row(b).ToArray();
            Enumerable.Range(0, row.Length).Where(i => bad[i] != row[i]).Should().Equal(5 + 2 * k);
            bad[5 + 2 * k].Should().Be(c);
        }
    }

    [Fact]
    public void Same_seed_same_sequences_other_seed_others()
    {
        SequenceTasks.Lengths(Pool, 3, 3, 1).Clean.Ids.Should().Equal(SequenceTasks.Lengths(Pool, 3, 3, 1).Clean.Ids);
        SequenceTasks.Lengths(Pool, 3, 3, 1).Clean.Ids.Should().NotEqual(SequenceTasks.Lengths(Pool, 3, 3, 2).Clean.Ids);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Triplets_end_in_A_X_with_B_over_D(bool reversed)
    {
        var task = SequenceTasks.Triplets(Pool, 4, 2, reversed, 3);
        task.Clean.Length.Should().Be(1 + 2 + 3 + 2 + 3 + 2 + 2);
        for (int b = 0; b < 4; b++)
        {
            var r = task.Clean.Row(b).ToArray();
            var (first, second) = (r.AsSpan(3, 3).ToArray(), r.AsSpan(8, 3).ToArray()); // after BOS + 2 filler, and 2 more filler
            var abx = reversed ? second : first;
            var cxd = reversed ? first : second;
            abx[1].Should().Be(cxd[1], "the shared X");
            r[^2].Should().Be(abx[0]);
            r[^1].Should().Be(abx[1]);
            task.Correct[b].Should().Be(abx[2]);
            task.Wrong[b].Should().Be(cxd[2]);
            task.Corrupted.Row(b)[^2].Should().Be(cxd[0]);
        }
    }

    [Fact]
    public void Order_sequence_matches_the_document()
    {
        var task = SequenceTasks.Order(Pool, 2, 5);
        var r = task.Clean.Row(0).ToArray();
        int A = r[1], X2 = r[2], X1 = r[3], B = r[4], C = r[5], D = r[8];
        r.Should().Equal(99, A, X2, X1, B, C, X1, X2, D, A, X2, X1, B, C, X1, X2, D, X2, A, X1);
        task.Correct[0].Should().Be(B);
        task.Wrong[0].Should().Be(X2);
        new[] { A, B, C, D, X1, X2 }.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Pool_never_draws_BOS_and_refuses_impossible_requests()
    {
        var small = new TokenPool(Bos: 2, Low: 0, High: 4);
        var rng = new SeededRandom(1);
        Enumerable.Range(0, 200).Select(_ => small.Next(rng)).Should().NotContain(2).And.Contain(new[] { 0, 1, 3 });
        small.Distinct(rng, 3).Should().BeEquivalentTo(new[] { 0, 1, 3 });
        FluentActions.Invoking(() => small.Distinct(rng, 4)).Should().Throw<ArgumentException>().WithMessage("*4 distinct*");
        FluentActions.Invoking(() => SequenceTasks.Lengths(Pool, 1, 1, 0)).Should().Throw<ArgumentException>().WithMessage("*pattern length 1*");
        var random = small.RandomSequences(3, 5, 9);
        random.Length.Should().Be(6);
        Enumerable.Range(0, 3).Select(b => random[b, 0]).Should().AllBeEquivalentTo(2);
    }
}
