using Serving.Core.Contracts;
using Serving.Core.Monitoring.Performance;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>Windows by prediction time: they roll over by count, late labels join closed ones, and the held state ages out.</summary>
public sealed class PerformanceWindowTests
{
    [Fact]
    public void Windows_roll_over_after_WindowRows_predictions()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 4 });
        for (var i = 0; i < 10; i++)
        {
            f.Binary($"p{i}", 1, 0.9f);
            f.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var version = f.Version("cancer");

        Assert.Equal(4, version.Window!.Rows);
        Assert.Equal(f.Time.GetUtcNow() - TimeSpan.FromSeconds(6), version.Window.Start);
        Assert.Equal(f.Time.GetUtcNow() - TimeSpan.FromSeconds(3), version.Window.End);
        Assert.Equal(2, version.Current!.Rows);
    }

    [Fact]
    public void A_window_reusing_an_evicted_ones_arrays_holds_only_its_own_rows_and_labels()
    {
        // Two windows kept: from the fourth on, each new window takes over the arrays of the one that falls out.
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 2, MaxWindows = 2 });
        for (var i = 0; i < 12; i++)
        {
            // Every prediction right, and every label known, in the first windows; the later ones all wrong.
            f.Binary($"p{i}", i < 6 ? 1 : 0, 0.9f);
            f.Feedback($"p{i}", FeedbackLabel.OfNumber(1));
            f.Time.Advance(TimeSpan.FromSeconds(1));
        }

        f.Binary("p12", 1, 0.9f);

        var version = f.Version("cancer");
        Assert.Equal(2, version.Window!.Rows);
        Assert.Equal(2, version.Window.Labels);
        Assert.Equal(0.0, PerformanceFixture.Metric(version.Window, MetricNames.Accuracy));

        // The open window (on reused arrays) has the one row filed since, and no label: nothing left from before.
        Assert.Equal(1, version.Current!.Rows);
        Assert.Equal(0, version.Current.Labels);

        // A label for a prediction whose window was let go joins nothing, and changes no window now held.
        var late = f.Feedback("p0", FeedbackLabel.OfNumber(1));
        Assert.Equal((0, 1), (late.Accepted, late.UnknownIds));
        Assert.Equal(0, f.Version("cancer").Current!.Labels);
    }

    [Fact]
    public void A_late_label_joins_the_closed_window_of_its_prediction()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 2 });
        f.Binary("first", 0, 0.2f);
        f.Binary("second", 1, 0.8f);
        f.Time.Advance(TimeSpan.FromMinutes(1));
        f.Binary("third", 1, 0.8f);
        f.Binary("fourth", 1, 0.8f);
        f.Binary("fifth", 1, 0.8f);

        f.Feedback("first", FeedbackLabel.OfNumber(1));

        // The newest closed window has no labels, so the report shows the one the label joined.
        var window = f.Version("cancer").Window!;
        Assert.Equal(1, window.Labels);
        Assert.Equal(0.5, window.LabelCoverage);
        Assert.Equal(0.0, PerformanceFixture.Metric(window, MetricNames.Accuracy));
        Assert.Equal(f.Time.GetUtcNow() - TimeSpan.FromMinutes(1), window.End);
    }

    [Fact]
    public void The_report_shows_the_latest_closed_window_that_has_labels()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 2 });
        foreach (var id in new[] { "a", "b", "c", "d", "e", "f" })
        {
            f.Binary(id, 1, 0.8f);
        }

        f.Feedback("a", FeedbackLabel.OfNumber(1));
        f.Feedback("c", FeedbackLabel.OfNumber(0));

        var window = f.Version("cancer").Window!;
        Assert.Equal(0.0, PerformanceFixture.Metric(window, MetricNames.Accuracy));
        Assert.Null(f.Version("cancer").Current);
    }

    [Fact]
    public void Predictions_older_than_MaxAgeSeconds_take_no_more_labels()
    {
        var f = new PerformanceFixture(new PerformanceOptions { MaxAgeSeconds = 60, PendingSeconds = 0 });
        f.Binary("old", 1, 0.9f);
        f.Time.Advance(TimeSpan.FromSeconds(61));

        var result = f.Feedback("old", FeedbackLabel.OfNumber(1));

        Assert.Equal(1, result.UnknownIds);
        Assert.Equal(0, f.Monitor.HeldPredictions);
    }

    [Fact]
    public void Only_the_newest_MaxPredictions_are_held()
    {
        var f = new PerformanceFixture(new PerformanceOptions { MaxPredictions = 3, PendingSeconds = 0 });
        for (var i = 0; i < 5; i++)
        {
            f.Binary($"p{i}", 1, 0.9f);
        }

        Assert.Equal(3, f.Monitor.HeldPredictions);
        Assert.Equal(1, f.Feedback("p0", FeedbackLabel.OfNumber(1)).UnknownIds);
        Assert.Equal(1, f.Feedback("p4", FeedbackLabel.OfNumber(1)).Accepted);
    }

    [Fact]
    public void A_label_for_a_window_no_longer_held_is_refused()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 1, MaxWindows = 2 });
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            f.Binary(id, 1, 0.9f);
        }

        var result = f.Feedback("a", FeedbackLabel.OfNumber(1));

        Assert.Equal(1, result.UnknownIds);
        Assert.Contains("no longer held", result.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Versions_are_reported_apart_in_ascending_order()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 1 });
        f.Binary("v2", 1, 0.9f, version: 2);
        f.Binary("v1", 0, 0.1f, version: 1);
        f.Feedback("v2", FeedbackLabel.OfNumber(0));
        f.Feedback("v1", FeedbackLabel.OfNumber(0));

        var versions = f.Monitor.Report("cancer").Versions;

        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal([1.0, 0.0], versions.Select(v => PerformanceFixture.Metric(v.Window, MetricNames.Accuracy)!.Value));
    }

    [Fact]
    public void Regression_windows_report_mae_rmse_and_r2()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 3 });
        f.Regression("a", 10);
        f.Regression("b", 20);
        f.Regression("c", 33);
        f.Feedback("a", FeedbackLabel.OfNumber(12));
        f.Feedback("b", FeedbackLabel.OfText("20"));
        f.Feedback("c", FeedbackLabel.OfNumber(30));

        var window = f.Version("sugar").Window!;

        Assert.Equal(["mae", "rmse", "r2"], window.Metrics.Select(m => m.Name));
        Assert.Equal(5 / 3.0, PerformanceFixture.Metric(window, MetricNames.Mae)!.Value, 12);
        Assert.Equal(Math.Sqrt(13 / 3.0), PerformanceFixture.Metric(window, MetricNames.Rmse)!.Value, 12);
    }

    [Fact]
    public void Accuracy_between_two_times_counts_the_labelled_predictions_made_then()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 2 });
        var start = f.Time.GetUtcNow();
        f.Binary("right", 1, 0.9f);
        f.Time.Advance(TimeSpan.FromMinutes(5));
        f.Binary("wrong", 1, 0.9f);
        f.Binary("unlabelled", 1, 0.9f);
        f.Feedback("right", FeedbackLabel.OfNumber(1));
        f.Feedback("wrong", FeedbackLabel.OfNumber(0));

        Assert.Equal(0.5, f.Monitor.Accuracy("cancer", 1, start, f.Time.GetUtcNow().AddSeconds(1)));
        Assert.Equal(1.0, f.Monitor.Accuracy("cancer", 1, start, start.AddMinutes(1)));
        Assert.Null(f.Monitor.Accuracy("cancer", 2, start, f.Time.GetUtcNow()));
    }

    [Fact]
    public void A_full_queue_drops_and_counts_predictions_without_waiting()
    {
        var f = new PerformanceFixture(new PerformanceOptions { QueueCapacity = 1 });
        var record = f.BinaryRecord("x", 1, 0.9f);

        for (var i = 0; i < 3; i++)
        {
            f.Monitor.Consume(record);
        }

        Assert.Equal(2, f.Monitor.Dropped);
        Assert.Equal(1, f.Monitor.Depth);
    }

    [Fact]
    public void An_answer_without_the_prediction_output_is_never_queued()
    {
        var f = new PerformanceFixture();
        var request = new Serving.Core.Contracts.InferenceRequest { ModelName = "cancer", Inputs = [] };
        var response = new Serving.Core.Contracts.InferenceResponse { ModelName = "cancer", ModelVersion = "1", Id = "x", Outputs = [] };
        var record = new Serving.Core.Inference.InferenceRecord("cancer", 1, Serving.Core.Contracts.RouteKind.Stable, "rest", f.Time.GetUtcNow(), TimeSpan.Zero, null, request, response);

        f.Monitor.Consume(record);

        Assert.Equal((0, 0L), (f.Monitor.Depth, f.Monitor.Dropped));
    }

    [Fact]
    public void An_answer_that_breaks_the_reader_neither_throws_on_the_request_path_nor_is_queued()
    {
        var f = new PerformanceFixture();
        var good = f.BinaryRecord("x", 1, 0.9f);
        var broken = good with { Response = new Serving.Core.Contracts.InferenceResponse { ModelName = "cancer", ModelVersion = "1", Id = "y", Outputs = null! } };

        f.Monitor.Consume(broken);
        f.Monitor.Consume(good);

        Assert.Equal(1, f.Monitor.Depth);
    }
}
