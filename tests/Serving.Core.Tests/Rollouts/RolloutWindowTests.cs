using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

public sealed class RolloutWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, 123, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_step_is_judged_from_its_start_to_its_due_time()
    {
        var window = RolloutWindow.Judged(Start, Minute, Start + Minute, TimeSpan.FromSeconds(600));

        Assert.Equal(Start, window.From);
        Assert.Equal(Start + Minute, window.To);
    }

    [Fact]
    public void A_long_wait_keeps_the_newest_whole_intervals_within_the_longest_span()
    {
        var window = RolloutWindow.Judged(Start, Minute, Start + (5 * Minute), TimeSpan.FromSeconds(150));

        // Two whole minutes fit in 150 s: the window is the last two, ending at the due time.
        Assert.Equal(Start + (3 * Minute), window.From);
        Assert.Equal(Start + (5 * Minute), window.To);
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(59.9999999, 60)]
    [InlineData(60, 120)]
    [InlineData(61, 120)]
    [InlineData(600, 660)]
    public void The_next_due_time_is_the_first_whole_interval_after_now(double nowSeconds, double dueSeconds)
    {
        var due = StepSchedule.NextDue(Start, Minute, Start + TimeSpan.FromSeconds(nowSeconds));

        Assert.Equal(Start + TimeSpan.FromSeconds(dueSeconds), due);
    }
}
