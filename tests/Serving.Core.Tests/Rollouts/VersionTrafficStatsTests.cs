using Serving.Core.Inference;
using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

public sealed class VersionTrafficStatsTests : IDisposable
{
    private readonly RolloutTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    private TrafficWindow Last(int version, TimeSpan span) =>
        _bed.Stats.Window("m", version, _bed.Time.GetUtcNow() - span, _bed.Time.GetUtcNow() + TimeSpan.FromSeconds(1));

    [Fact]
    public void Internal_and_unavailable_failures_count_as_errors_and_caller_faults_not_at_all()
    {
        _bed.Feed(2, 10, TimeSpan.FromMilliseconds(1));
        _bed.Feed(2, 3, TimeSpan.FromMilliseconds(1), InferenceErrorKind.Internal);
        _bed.Feed(2, 2, TimeSpan.FromMilliseconds(1), InferenceErrorKind.Unavailable);
        _bed.Feed(2, 7, TimeSpan.FromMilliseconds(1), InferenceErrorKind.BadRequest);
        _bed.Feed(2, 7, TimeSpan.FromMilliseconds(1), InferenceErrorKind.PayloadTooLarge);

        var window = Last(2, TimeSpan.FromSeconds(10));

        Assert.Equal(15, window.Requests);
        Assert.Equal(5, window.Errors);
    }

    [Fact]
    public void Versions_are_counted_apart()
    {
        _bed.Feed(1, 4, TimeSpan.FromMilliseconds(1));
        _bed.Feed(2, 6, TimeSpan.FromMilliseconds(1));

        Assert.Equal(4, Last(1, TimeSpan.FromSeconds(10)).Requests);
        Assert.Equal(6, Last(2, TimeSpan.FromSeconds(10)).Requests);
    }

    [Fact]
    public void A_window_holds_only_traffic_inside_it()
    {
        _bed.Feed(2, 5, TimeSpan.FromMilliseconds(1));
        _bed.Time.Advance(TimeSpan.FromSeconds(30));
        var middle = _bed.Time.GetUtcNow();
        _bed.Feed(2, 7, TimeSpan.FromMilliseconds(1));
        _bed.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(7, _bed.Stats.Window("m", 2, middle, _bed.Time.GetUtcNow()).Requests);
        Assert.Equal(5, _bed.Stats.Window("m", 2, middle - TimeSpan.FromSeconds(30), middle).Requests);
    }

    [Fact]
    public void Traffic_older_than_the_ring_is_recycled_not_kept()
    {
        _bed.Feed(2, 5, TimeSpan.FromMilliseconds(1));
        var then = _bed.Time.GetUtcNow();
        _bed.Time.Advance(_bed.Stats.Coverage + TimeSpan.FromSeconds(10));
        _bed.Feed(2, 1, TimeSpan.FromMilliseconds(1));

        Assert.Equal(1, _bed.Stats.Window("m", 2, then, _bed.Time.GetUtcNow() + TimeSpan.FromSeconds(1)).Requests);
    }

    [Fact]
    public async Task The_prediction_output_of_served_requests_is_binned()
    {
        await _bed.Send(2, 4, value: 1f);

        var window = Last(2, TimeSpan.FromSeconds(10));

        // Each answer is one row of three doubled values (2, 4, 6).
        Assert.Equal(12, window.PredictionCount);
        Assert.Equal(4, window.Requests);
        Assert.NotNull(window.P99Ms);
    }
}
