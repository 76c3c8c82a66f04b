using Serving.Core.Monitoring.Performance;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>Ids in the gateway's own Guid form are held compactly yet still join exactly as the text was given.</summary>
public sealed class HeldIdTests
{
    [Fact]
    public void A_gateway_style_id_joins_its_label()
    {
        var f = new PerformanceFixture();
        var id = Guid.NewGuid().ToString("N");
        f.Binary(id, 1, 0.9f);

        var result = f.Feedback(id, FeedbackLabel.OfNumber(1));

        Assert.Equal(1, result.Accepted);
        Assert.Equal(1, f.Version("cancer").Current!.Labels);
    }

    [Fact]
    public void The_same_id_in_upper_case_is_a_different_id()
    {
        var f = new PerformanceFixture(new PerformanceOptions { PendingSeconds = 0 });
        var id = Guid.NewGuid().ToString("N");
        f.Binary(id, 1, 0.9f);

        var result = f.Feedback(id.ToUpperInvariant(), FeedbackLabel.OfNumber(1));

        Assert.Equal((0, 1), (result.Accepted, result.UnknownIds));
    }

    [Fact]
    public void A_prediction_spanning_windows_takes_each_label_into_the_window_of_its_row()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 3 });
        f.Multiclass("first", [0], [0.8f, 0.1f, 0.1f]);
        f.Multiclass("many", [1, 2, 0], [0.1f, 0.8f, 0.1f, 0.1f, 0.1f, 0.8f, 0.8f, 0.1f, 0.1f]);

        var result = f.Feedback("many", FeedbackLabel.OfNumber(1), FeedbackLabel.OfNumber(0), FeedbackLabel.OfNumber(0));
        var version = f.Version("flowers");

        Assert.Equal(1, result.Accepted);
        Assert.Equal((3, 2), (version.Window!.Rows, version.Window.Labels));
        Assert.Equal((1, 1), (version.Current!.Rows, version.Current.Labels));
        Assert.Equal(0.5, PerformanceFixture.Metric(version.Window, MetricNames.Accuracy));
        Assert.Equal(1.0, PerformanceFixture.Metric(version.Current, MetricNames.Accuracy));
    }
}
