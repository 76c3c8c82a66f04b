using Serving.Core.Contracts;
using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

/// <summary>Each step is judged on exactly its own interval, by every gate, at its due time (all under the fake clock).</summary>
public sealed class RolloutStepWindowTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    private readonly RolloutTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    private RolloutStatus Status => _bed.Controller.Get("m")!;

    private RolloutStatus Start(params int[] steps) =>
        _bed.Controller.Start("m", new RolloutRequest { Canary = 2, Steps = steps }, "admin");

    /// <summary>Brings the clock to <paramref name="offset"/> past a 5-second boundary (the old statistics' bucket width).</summary>
    private void MoveTo(TimeSpan offset)
    {
        var ticks = _bed.Time.GetUtcNow().UtcTicks % TimeSpan.FromSeconds(5).Ticks;
        _bed.Time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(ticks) + offset);
    }

    [Fact]
    public void A_burst_of_failures_just_before_a_step_begins_does_not_fail_that_step()
    {
        // The burst and the step's start share a 5-second span; only traffic from the start on may be judged.
        MoveTo(TimeSpan.FromSeconds(1));
        _bed.Feed(2, 100, TimeSpan.FromMilliseconds(1), InferenceErrorKind.Internal);
        _bed.Time.Advance(TimeSpan.FromSeconds(2));
        Start(10, 50);
        _bed.Feed(1, 60, TimeSpan.FromMilliseconds(1));
        _bed.Feed(2, 60, TimeSpan.FromMilliseconds(1));

        _bed.Time.Advance(Interval);

        var judged = Status.Decisions[^1];
        Assert.Equal(RolloutStates.Passed, judged.Outcome);
        Assert.Equal(60, judged.Figures!.CanaryRequests);
        Assert.Equal(0, judged.Figures.CanaryErrorRate);
        Assert.Equal(0, Status.Failures);
    }

    [Fact]
    public void A_burst_inside_one_check_fails_that_check_only_not_the_next()
    {
        MoveTo(TimeSpan.FromSeconds(2));
        Start(10, 50);
        _bed.Feed(1, 60, TimeSpan.FromMilliseconds(1));
        _bed.Feed(2, 60, TimeSpan.FromMilliseconds(1));

        // Half a second before the check is due, in the same 5-second span as the next check's start.
        _bed.Time.Advance(Interval - TimeSpan.FromMilliseconds(500));
        _bed.Feed(2, 100, TimeSpan.FromMilliseconds(1), InferenceErrorKind.Internal);
        _bed.Time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(RolloutStates.Failed, Status.Decisions[^1].Outcome);
        Assert.Equal(160, Status.Decisions[^1].Figures!.CanaryRequests);

        _bed.Feed(1, 60, TimeSpan.FromMilliseconds(1));
        _bed.Feed(2, 60, TimeSpan.FromMilliseconds(1));
        _bed.Time.Advance(Interval);

        var next = Status.Decisions[^1];
        Assert.Equal(RolloutStates.Passed, next.Outcome);
        Assert.Equal(60, next.Figures!.CanaryRequests);
        Assert.Equal(1, Status.Failures);
        Assert.Equal(50, _bed.Deployment.Spec.CanaryWeight);
    }

    [Fact]
    public void Every_gate_judges_the_same_window_from_the_step_start_to_its_due_time()
    {
        Start(10, 50);
        var stepStart = Status.StepStartedAt;
        var due = stepStart + Interval;
        _bed.Accuracy.ByVersion[1] = 0.9;
        _bed.Accuracy.ByVersion[2] = 0.9;

        _bed.Feed(1, 60, TimeSpan.FromMilliseconds(1));                                  // at the start: inside
        _bed.Feed(2, 30, TimeSpan.FromMilliseconds(1));
        _bed.Time.Advance(Interval - TimeSpan.FromTicks(1));
        _bed.Feed(2, 30, TimeSpan.FromMilliseconds(1));                                  // a tick before due: inside
        _bed.Time.Advance(TimeSpan.FromTicks(1));
        _bed.Feed(2, 500, TimeSpan.FromMilliseconds(1), InferenceErrorKind.Internal);    // at due: the next step's

        var judged = Status.Decisions[^1];
        Assert.Equal(RolloutStates.Passed, judged.Outcome);
        Assert.Equal(new RolloutWindow { From = stepStart, To = due }, judged.Figures!.Window);
        Assert.Equal(60, judged.Figures.StableRequests);
        Assert.Equal(60, judged.Figures.CanaryRequests);
        Assert.Equal([(1, stepStart, due), (2, stepStart, due)], _bed.Accuracy.Asked);
    }

    [Fact]
    public void A_decision_is_taken_exactly_when_its_step_is_due()
    {
        Start(10, 50);
        var due = Status.NextCheckAt!.Value;

        _bed.Time.Advance(Interval - TimeSpan.FromTicks(1));
        Assert.Single(Status.Decisions);

        _bed.Time.Advance(TimeSpan.FromTicks(1));
        var waited = Status.Decisions[^1];
        Assert.Equal(RolloutStates.Waiting, waited.Outcome);
        Assert.Equal(due, waited.At);

        // A waiting step keeps its window open and is judged again one interval later, on time again.
        _bed.Time.Advance(Interval);
        Assert.Equal(due + Interval, Status.Decisions[^1].At);
        Assert.Equal(new RolloutWindow { From = due - Interval, To = due + Interval }, Status.Decisions[^1].Figures!.Window);
    }

    [Fact]
    public void A_decision_taken_late_still_judges_up_to_the_due_time_only()
    {
        Start(10, 50);
        var stepStart = Status.StepStartedAt;
        _bed.Feed(1, 60, TimeSpan.FromMilliseconds(1));
        _bed.Feed(2, 60, TimeSpan.FromMilliseconds(1));

        _bed.Time.Advance(Interval + TimeSpan.FromSeconds(7));

        var judged = Status.Decisions[^1];
        Assert.Equal(RolloutStates.Passed, judged.Outcome);
        Assert.Equal(stepStart + Interval + TimeSpan.FromSeconds(7), judged.At);
        Assert.Equal(new RolloutWindow { From = stepStart, To = stepStart + Interval }, judged.Figures!.Window);

        // The next step starts when its weight was set, and is due one interval after that.
        Assert.Equal(judged.At, Status.StepStartedAt);
        Assert.Equal(judged.At + Interval, Status.NextCheckAt);
    }

    [Fact]
    public void Paused_traffic_is_not_judged_after_a_resume()
    {
        Start(10, 50);
        _bed.Controller.Pause("m", "admin");
        _bed.Feed(2, 100, TimeSpan.FromMilliseconds(1), InferenceErrorKind.Internal);
        _bed.Time.Advance(TimeSpan.FromSeconds(1));

        _bed.Controller.Resume("m", "admin");
        var resumed = Status.StepStartedAt;
        _bed.Feed(1, 60, TimeSpan.FromMilliseconds(1));
        _bed.Feed(2, 60, TimeSpan.FromMilliseconds(1));
        _bed.Time.Advance(Interval);

        var judged = Status.Decisions[^1];
        Assert.Equal(RolloutStates.Passed, judged.Outcome);
        Assert.Equal(new RolloutWindow { From = resumed, To = resumed + Interval }, judged.Figures!.Window);
        Assert.Equal(0, judged.Figures.CanaryErrorRate);
    }
}
