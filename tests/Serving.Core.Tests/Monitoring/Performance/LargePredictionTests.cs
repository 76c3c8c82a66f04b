using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Performance;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>
/// A large answer is read for scoring at MaxRowsPerRequest rows at most; its labels still come one per served row,
/// and the labels of the rows read are the ones scored.
/// </summary>
public sealed class LargePredictionTests
{
    private const int Served = 100_000;

    [Fact]
    public void A_100000_row_answer_is_read_at_MaxRowsPerRequest_rows()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 1_000, MaxRowsPerRequest = 100 });

        f.Monitor.Ingest(Large(f, "big"));

        Assert.Equal(100, f.Version("cancer").Current!.Rows);
    }

    [Fact]
    public void The_labels_of_the_rows_read_are_the_ones_scored()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 1_000, MaxRowsPerRequest = 100 });
        f.Monitor.Ingest(Large(f, "big"));

        // Right on exactly the rows read, wrong on every other row: accuracy 1 only if the join maps labels to them.
        var read = RowSample.Middle(Served, 100);
        var right = new HashSet<int>(Enumerable.Range(0, 100).Select(read.Row));
        var labels = Enumerable.Range(0, Served).Select(r => FeedbackLabel.OfNumber(right.Contains(r) ? Predicted(r) : 1 - Predicted(r))).ToArray();
        var result = f.Feedback("big", labels);

        Assert.Equal(1, result.Accepted);
        var current = f.Version("cancer").Current!;
        Assert.Equal(100, current.Labels);
        Assert.Equal(1.0, PerformanceFixture.Metric(current, MetricNames.Accuracy)!.Value, 12);
    }

    [Fact]
    public void A_label_list_must_still_cover_every_served_row()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 1_000, MaxRowsPerRequest = 100 });
        f.Monitor.Ingest(Large(f, "big"));

        var result = f.Feedback("big", [.. Enumerable.Range(0, 100).Select(r => FeedbackLabel.OfNumber(Predicted(r)))]);

        Assert.Equal(1, result.InvalidLabels);
        Assert.Contains("100000 rows", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Answers_within_the_cap_are_read_whole()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 1_000, MaxRowsPerRequest = 100 });
        f.Multiclass("small", [0, 1, 2], [0.8f, 0.1f, 0.1f, 0.1f, 0.8f, 0.1f, 0.1f, 0.1f, 0.8f]);

        var result = f.Feedback("small", FeedbackLabel.OfNumber(0), FeedbackLabel.OfNumber(1), FeedbackLabel.OfNumber(0));

        Assert.Equal(1, result.Accepted);
        var current = f.Version("flowers").Current!;
        Assert.Equal((3, 3), (current.Rows, current.Labels));
        Assert.Equal(2.0 / 3, PerformanceFixture.Metric(current, MetricNames.Accuracy)!.Value, 12);
    }

    private static long Predicted(int row) => row % 3 == 0 ? 1 : 0;

    private static InferenceRecord Large(PerformanceFixture f, string id) => f.Record(
        "cancer",
        1,
        id,
        Tensor.FromValues("label", TensorDataType.Int64, [Served, 1], Enumerable.Range(0, Served).Select(Predicted).ToArray()),
        Tensor.FromValues("probability", TensorDataType.FP32, [Served, 1], Enumerable.Range(0, Served).Select(r => Predicted(r) == 1 ? 0.9f : 0.1f).ToArray()));
}
