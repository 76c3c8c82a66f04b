using Serving.Core.Monitoring.Performance;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>
/// Every label set the monitor accepts reaches the label sink (the durable labels log) with its model, version and id,
/// class names read as class indexes, one label per served row; labels it refuses do not.
/// </summary>
public sealed class FeedbackLabelSinkTests
{
    [Fact]
    public void An_accepted_label_reaches_the_sink_with_its_prediction_and_its_class_index()
    {
        var sink = new RecordingSink();
        var f = new PerformanceFixture(labels: sink);
        f.Binary("a", 1, 0.9f, version: 2);

        f.Feedback("a", FeedbackLabel.OfText("benign"));

        var label = Assert.Single(sink.Labels);
        Assert.Equal(("cancer", 2, "a", 1.0), (label.Model, label.Version, label.Id, Assert.Single(label.Values)));
        Assert.Equal(f.Time.GetUtcNow(), label.Time);
    }

    [Fact]
    public void A_label_that_waited_for_its_prediction_reaches_the_sink_when_it_joins()
    {
        var sink = new RecordingSink();
        var f = new PerformanceFixture(labels: sink);

        f.Feedback("early", FeedbackLabel.OfNumber(0));
        Assert.Empty(sink.Labels);
        f.Binary("early", 0, 0.2f);

        Assert.Equal("early", Assert.Single(sink.Labels).Id);
    }

    [Fact]
    public void Refused_labels_do_not_reach_the_sink()
    {
        var sink = new RecordingSink();
        var f = new PerformanceFixture(labels: sink);
        f.Binary("a", 1, 0.9f);

        f.Feedback("a", FeedbackLabel.OfText("tuesday"));
        f.Feedback("nobody", FeedbackLabel.OfNumber(1));

        Assert.Empty(sink.Labels);
    }

    [Fact]
    public void A_prediction_read_only_in_part_still_logs_every_rows_label()
    {
        var sink = new RecordingSink();
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 10, MaxRowsPerRequest = 2 }, labels: sink);
        f.Multiclass("many", [0, 1, 2, 1, 0], new float[15]);

        f.Feedback("many", [.. new[] { "setosa", "versicolor", "virginica", "versicolor", "setosa" }.Select(FeedbackLabel.OfText)]);

        Assert.Equal([0.0, 1, 2, 1, 0], Assert.Single(sink.Labels).Values);
    }

    private sealed class RecordingSink : IFeedbackLabelSink
    {
        public List<(string Model, int Version, string Id, double[] Values, DateTimeOffset Time)> Labels { get; } = [];

        public void OnLabelled(string model, int version, string id, IReadOnlyList<double> labels, DateTimeOffset time) =>
            Labels.Add((model, version, id, [.. labels], time));
    }
}
