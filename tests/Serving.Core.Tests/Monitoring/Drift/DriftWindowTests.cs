using Microsoft.Extensions.Time.Testing;
using Serving.Core.Monitoring.Drift;

namespace Serving.Core.Tests.Monitoring.Drift;

/// <summary>Windows by count and by time, driven by a fake clock.</summary>
public sealed class DriftWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_count_window_closes_at_WindowRows_and_the_report_shows_the_closed_one_and_the_current_one()
    {
        var tracker = new DriftTracker(new DriftOptions { WindowRows = 50 });
        var time = new FakeTimeProvider(T0);
        var closed = new List<VersionDriftReport>();
        tracker.WindowClosed += (_, r) => closed.Add(r);

        for (var i = 0; i < 120; i++)
        {
            tracker.Observe(BreastCancerTraffic.Record([BreastCancerTraffic.Rows[i]], time.GetUtcNow()), BreastCancerTraffic.Manifest);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var report = tracker.Report("breast-cancer", [2]).Versions.Single();
        Assert.Equal(2, closed.Count);
        Assert.Equal(new DriftWindowBounds(T0.AddSeconds(50), T0.AddSeconds(99), 50), report.Window);
        Assert.Equal(new DriftWindowBounds(T0.AddSeconds(100), T0.AddSeconds(119), 20), report.Current);
        Assert.Equal(2, report.WindowsClosed);
        Assert.Equal(30, report.Features.Count);
        Assert.All(report.Features, f => Assert.Equal(50, f.Rows));
    }

    [Fact]
    public void A_request_of_many_rows_can_close_several_count_windows()
    {
        var tracker = new DriftTracker(new DriftOptions { WindowRows = 40 });
        var closed = 0;
        tracker.WindowClosed += (_, _) => closed++;

        tracker.Observe(BreastCancerTraffic.Record(BreastCancerTraffic.Rows[..100], T0), BreastCancerTraffic.Manifest);

        Assert.Equal(2, closed);
        Assert.Equal(20, tracker.Report("breast-cancer", [2]).Versions.Single().Current!.Rows);
    }

    [Fact]
    public void A_time_window_closes_when_its_slot_ends_even_without_more_traffic()
    {
        var time = new FakeTimeProvider(T0.AddSeconds(5));
        var tracker = new DriftTracker(new DriftOptions { WindowRows = 500, WindowSeconds = 60 });
        for (var i = 0; i < 30; i++)
        {
            tracker.Observe(BreastCancerTraffic.Record([BreastCancerTraffic.Rows[i]], time.GetUtcNow()), BreastCancerTraffic.Manifest);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        tracker.CloseDue(time.GetUtcNow());
        Assert.Null(tracker.Report("breast-cancer", [2]).Versions.Single().Window);

        time.Advance(TimeSpan.FromSeconds(30));
        tracker.CloseDue(time.GetUtcNow());

        var report = tracker.Report("breast-cancer", [2]).Versions.Single();
        Assert.Equal(new DriftWindowBounds(T0, T0.AddSeconds(60), 30), report.Window);
        Assert.Null(report.Current);
    }

    [Fact]
    public void A_row_past_the_slot_closes_the_time_window_and_opens_the_slot_it_falls_in()
    {
        var tracker = new DriftTracker(new DriftOptions { WindowRows = 500, WindowSeconds = 60 });
        tracker.Observe(BreastCancerTraffic.Record(BreastCancerTraffic.Rows[..10], T0.AddSeconds(10)), BreastCancerTraffic.Manifest);

        tracker.Observe(BreastCancerTraffic.Record(BreastCancerTraffic.Rows[10..15], T0.AddMinutes(5).AddSeconds(1)), BreastCancerTraffic.Manifest);

        var report = tracker.Report("breast-cancer", [2]).Versions.Single();
        Assert.Equal(new DriftWindowBounds(T0, T0.AddSeconds(60), 10), report.Window);
        Assert.Equal(T0.AddMinutes(5), report.Current!.Start);
        Assert.Equal(5, report.Current.Rows);
    }

    [Fact]
    public void A_busy_time_window_counts_every_row_but_tests_at_most_WindowRows_of_them()
    {
        var tracker = new DriftTracker(new DriftOptions { WindowRows = 100, WindowSeconds = 60 });
        tracker.Observe(BreastCancerTraffic.Record(BreastCancerTraffic.Rows[..569], T0.AddSeconds(1)), BreastCancerTraffic.Manifest);

        tracker.CloseDue(T0.AddSeconds(61));

        var report = tracker.Report("breast-cancer", [2]).Versions.Single();
        Assert.Equal(569, report.Window!.Rows);
        Assert.All(report.Features, f => Assert.Equal(100, f.Rows));
    }

    [Fact]
    public void A_version_with_no_traffic_has_an_empty_report()
    {
        var tracker = new DriftTracker(new DriftOptions());

        var report = tracker.Report("breast-cancer", [2, 1]);

        Assert.Equal([1, 2], report.Versions.Select(v => v.Version));
        Assert.All(report.Versions, v => Assert.Null(v.Window));
    }
}
