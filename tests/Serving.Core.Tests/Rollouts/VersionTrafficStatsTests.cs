using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

public sealed class VersionTrafficStatsTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    private readonly RolloutTestBed _bed = new();
    private readonly DateTimeOffset _start;

    public VersionTrafficStatsTests()
    {
        // No rollout runs here: the window is opened by hand, as the controller does when a step starts.
        _start = _bed.Time.GetUtcNow();
        _bed.Stats.Open("m", stable: 1, canary: 2, _start, Interval);
    }

    public void Dispose() => _bed.Dispose();

    private TrafficWindow FirstInterval(int version) => _bed.Stats.Window("m", version, _start, _start + Interval);

    [Fact]
    public void Internal_and_unavailable_failures_count_as_errors_and_caller_faults_not_at_all()
    {
        _bed.Feed(2, 10, TimeSpan.FromMilliseconds(1));
        _bed.Feed(2, 3, TimeSpan.FromMilliseconds(1), InferenceErrorKind.Internal);
        _bed.Feed(2, 2, TimeSpan.FromMilliseconds(1), InferenceErrorKind.Unavailable);
        _bed.Feed(2, 7, TimeSpan.FromMilliseconds(1), InferenceErrorKind.BadRequest);
        _bed.Feed(2, 7, TimeSpan.FromMilliseconds(1), InferenceErrorKind.PayloadTooLarge);

        var window = FirstInterval(2);

        Assert.Equal(15, window.Requests);
        Assert.Equal(5, window.Errors);
    }

    [Fact]
    public void Stable_and_canary_are_counted_apart_and_other_versions_not_at_all()
    {
        _bed.Feed(1, 4, TimeSpan.FromMilliseconds(1));
        _bed.Feed(2, 6, TimeSpan.FromMilliseconds(1));
        _bed.Feed(3, 5, TimeSpan.FromMilliseconds(1));

        Assert.Equal(4, FirstInterval(1).Requests);
        Assert.Equal(6, FirstInterval(2).Requests);
        Assert.Equal(0, FirstInterval(3).Requests);
    }

    [Fact]
    public void A_window_holds_exactly_the_requests_that_finished_inside_it()
    {
        // Finished before the window opened: a tick earlier is already outside.
        using var before = new RolloutTestBed();
        before.Feed(2, 9, TimeSpan.FromMilliseconds(1));
        before.Time.Advance(TimeSpan.FromTicks(1));
        var start = before.Time.GetUtcNow();
        before.Stats.Open("m", 1, 2, start, Interval);

        before.Feed(2, 1, TimeSpan.FromMilliseconds(1));                          // at the start: inside
        before.Time.Advance(Interval - TimeSpan.FromTicks(1));
        before.Feed(2, 2, TimeSpan.FromMilliseconds(1));                          // a tick before the end: inside
        before.Time.Advance(TimeSpan.FromTicks(1));
        before.Feed(2, 4, TimeSpan.FromMilliseconds(1));                          // at the end: the next window's

        Assert.Equal(3, before.Stats.Window("m", 2, start, start + Interval).Requests);
        Assert.Equal(4, before.Stats.Window("m", 2, start + Interval, start + (2 * Interval)).Requests);
        Assert.Equal(7, before.Stats.Window("m", 2, start, start + (2 * Interval)).Requests);
    }

    [Fact]
    public void Opening_a_new_window_drops_what_the_old_one_counted()
    {
        _bed.Feed(2, 5, TimeSpan.FromMilliseconds(1));
        _bed.Time.Advance(TimeSpan.FromSeconds(10));
        var restart = _bed.Time.GetUtcNow();

        _bed.Stats.Open("m", 1, 2, restart, Interval);
        _bed.Feed(2, 2, TimeSpan.FromMilliseconds(1));

        Assert.Equal(2, _bed.Stats.Window("m", 2, restart, restart + Interval).Requests);
    }

    [Fact]
    public void A_closed_window_counts_nothing()
    {
        _bed.Feed(2, 5, TimeSpan.FromMilliseconds(1));

        _bed.Stats.Close("m");
        _bed.Feed(2, 5, TimeSpan.FromMilliseconds(1));

        Assert.Equal(0, FirstInterval(2).Requests);
    }

    [Fact]
    public void Intervals_older_than_the_ring_are_recycled_not_kept()
    {
        _bed.Feed(2, 5, TimeSpan.FromMilliseconds(1));

        // The ring holds Coverage / Interval intervals and two more; one further on reuses the first one's slot.
        var slots = (long)(_bed.Stats.Coverage / Interval) + 2;
        _bed.Time.Advance(slots * Interval);
        _bed.Feed(2, 1, TimeSpan.FromMilliseconds(1));

        Assert.Equal(0, FirstInterval(2).Requests);
        Assert.Equal(1, _bed.Stats.Window("m", 2, _start, _start + ((slots + 1) * Interval)).Requests);
    }

    [Fact]
    public void Counting_a_request_allocates_nothing_once_its_slot_exists()
    {
        var record = new InferenceRecord("m", 2, Serving.Core.Contracts.RouteKind.Pinned, "rest", _start, TimeSpan.FromMilliseconds(3), null, new InferenceRequest { ModelName = "m", Inputs = [] }, null);
        for (var i = 0; i < 10; i++)
        {
            _bed.Stats.Consume(record);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _bed.Stats.Consume(record);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Any allocation per request would be at least 24 bytes each, 24 KB in all; allow one stray object, no more.
        Assert.InRange(allocated, 0, 1000);
        Assert.Equal(1010, FirstInterval(2).Requests);
    }

    [Fact]
    public async Task The_prediction_output_of_served_requests_is_binned()
    {
        await _bed.Send(2, 4, value: 1f);

        var window = FirstInterval(2);

        // Each answer is one row of three doubled values (2, 4, 6).
        Assert.Equal(12, window.PredictionCount);
        Assert.Equal(4, window.Requests);
        Assert.NotNull(window.P99Ms);
    }
}
