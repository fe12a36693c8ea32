using Verification.Claims.Framework;

namespace Verification.Tests.Claims;

public sealed class TrainingCurveTests
{
    private static string Write(string json)
    {
        var dir = Directory.CreateTempSubdirectory("curve-").FullName;
        File.WriteAllText(Path.Combine(dir, TrainingCurve.FileName), json);
        return dir;
    }

    [Fact]
    public void Reads_the_best_scores_per_step_and_finds_the_phase_change()
    {
        var dir = Write("""
            [{"step":0,"text_loss":8.3,"rrt_loss_first":8.3,"rrt_loss_second":8.3,"induction":[[0.9,0.1],[0.02,0.03]],"previous_token":[[0.1,0.2],[0.95,0.0]]},
             {"step":100,"text_loss":6.0,"rrt_loss_first":8.4,"rrt_loss_second":2.0,"induction":[[0.0,0.0],[0.45,0.2]],"previous_token":[[0.6,0.1],[0.0,0.0]]}]
            """);
        var curve = TrainingCurve.TryRead(dir)!;
        curve.Points.Should().HaveCount(2);
        curve.Points[0].BestInduction.Should().Be(0.03, "only layers after 0 count for induction");
        curve.Points[0].BestPreviousToken.Should().Be(0.2, "only layer 0 counts for previous-token");
        curve.FirstStepAtOrAbove(0.4).Should().Be(100);
        curve.Figures("m").Should().HaveCount(2).And.AllBeOfType<LineChartFigure>();
    }

    [Fact]
    public void No_file_is_no_curve_and_a_broken_file_is_a_clear_error()
    {
        TrainingCurve.TryRead(Directory.CreateTempSubdirectory("curve-").FullName).Should().BeNull();
        var dir = Write("[{\"step\": 1}]");
        var act = () => TrainingCurve.TryRead(dir);
        act.Should().Throw<InvalidDataException>().WithMessage("*training-curve.json: not a training curve*");
    }
}
