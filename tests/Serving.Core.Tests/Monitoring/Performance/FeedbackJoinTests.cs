using Serving.Core.Monitoring.Performance;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>Labels join their predictions by id, whichever comes first, and misfits are counted, not thrown.</summary>
public sealed class FeedbackJoinTests
{
    [Fact]
    public void A_label_after_its_prediction_is_accepted()
    {
        var f = new PerformanceFixture();
        f.Binary("a", 1, 0.9f);

        var result = f.Feedback("a", FeedbackLabel.OfNumber(1));

        Assert.Equal(new FeedbackResult(1, 0, 0, 0, []), result with { Errors = [] });
        Assert.Equal(1, f.Version("cancer").Current!.Labels);
    }

    [Fact]
    public void A_label_before_its_prediction_is_held_and_joins_when_the_prediction_comes()
    {
        var f = new PerformanceFixture();

        var result = f.Feedback("early", FeedbackLabel.OfNumber(0));
        f.Binary("early", 0, 0.2f);

        Assert.Equal((0, 1, 1), (result.Accepted, result.Pending, result.UnknownIds));
        Assert.Equal(1, f.Version("cancer").Current!.Labels);
        Assert.Equal(1, f.Monitor.Counts.JoinedLate);
        Assert.Equal(0, f.Monitor.PendingLabels);
    }

    [Fact]
    public void An_id_that_never_comes_is_reported_unknown_and_its_held_label_expires()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 4, PendingSeconds = 30 });

        var result = f.Feedback("nobody", FeedbackLabel.OfNumber(1));
        f.Time.Advance(TimeSpan.FromSeconds(31));
        f.Binary("later", 1, 0.7f);

        Assert.Equal(1, result.UnknownIds);
        Assert.Contains("nobody", Assert.Single(result.Errors), StringComparison.Ordinal);
        Assert.Equal(0, f.Monitor.PendingLabels);
        Assert.Equal(1, f.Monitor.Counts.Expired);
    }

    [Fact]
    public void Without_a_hold_an_unknown_id_is_not_pending()
    {
        var f = new PerformanceFixture(new PerformanceOptions { PendingSeconds = 0 });

        var result = f.Feedback("nobody", FeedbackLabel.OfNumber(1));

        Assert.Equal((0, 1), (result.Pending, result.UnknownIds));
    }

    [Fact]
    public void The_pending_hold_is_bounded_by_count()
    {
        var f = new PerformanceFixture(new PerformanceOptions { MaxPendingLabels = 2 });

        f.Monitor.AddFeedback([.. Enumerable.Range(0, 5).Select(i => new FeedbackItem($"id{i}", [FeedbackLabel.OfNumber(1)]))]);

        Assert.Equal(2, f.Monitor.PendingLabels);
        Assert.Equal(3, f.Monitor.Counts.Expired);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1)]
    public void One_and_one_point_zero_and_true_all_mean_class_one(double number)
    {
        var f = new PerformanceFixture();
        f.Binary("n", 1, 0.9f);
        f.Binary("b", 1, 0.9f);

        var results = new[] { f.Feedback("n", FeedbackLabel.OfNumber(number)), f.Feedback("b", FeedbackLabel.OfBoolean(true)) };

        Assert.All(results, r => Assert.Equal(1, r.Accepted));
        Assert.Equal(1.0, PerformanceFixture.Metric(f.Version("cancer").Current, MetricNames.Accuracy));
    }

    [Fact]
    public void A_multiclass_label_may_be_a_class_name_from_the_manifest()
    {
        var f = new PerformanceFixture();
        f.Multiclass("m", [2], [0.1f, 0.2f, 0.7f]);

        var result = f.Feedback("m", FeedbackLabel.OfText("virginica"));

        Assert.Equal(1, result.Accepted);
        Assert.Equal(1.0, PerformanceFixture.Metric(f.Version("flowers").Current, MetricNames.Accuracy));
    }

    [Theory]
    [InlineData("cancer", 0.5)]
    [InlineData("cancer", 2)]
    [InlineData("cancer", -1)]
    [InlineData("flowers", 3)]
    public void A_number_that_is_not_a_class_index_is_an_invalid_label(string model, double label)
    {
        var f = new PerformanceFixture();
        f.Binary("x", 1, 0.9f);
        f.Multiclass("y", [1], [0.1f, 0.8f, 0.1f]);

        var result = f.Feedback(model == "cancer" ? "x" : "y", FeedbackLabel.OfNumber(label));

        Assert.Equal((0, 1), (result.Accepted, result.InvalidLabels));
        Assert.Contains("class index", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_names_no_class_is_an_invalid_label()
    {
        var f = new PerformanceFixture();
        f.Multiclass("y", [1], [0.1f, 0.8f, 0.1f]);

        var result = f.Feedback("y", FeedbackLabel.OfText("rose"));

        Assert.Equal(1, result.InvalidLabels);
        Assert.Contains("setosa, versicolor, virginica", result.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_regression_label_must_be_a_number()
    {
        var f = new PerformanceFixture();
        f.Regression("r", 100);

        var results = new[] { f.Feedback("r", FeedbackLabel.OfText("high")), f.Feedback("r", FeedbackLabel.OfBoolean(true)), f.Feedback("r", FeedbackLabel.Unusable("an object")) };

        Assert.All(results, r => Assert.Equal(1, r.InvalidLabels));
        Assert.Equal(0, f.Version("sugar").Current!.Labels);
    }

    [Fact]
    public void Items_without_id_or_label_are_counted_not_thrown()
    {
        var f = new PerformanceFixture();
        f.Binary("a", 1, 0.9f);

        var result = f.Monitor.AddFeedback([new FeedbackItem(null, [FeedbackLabel.OfNumber(1)]), new FeedbackItem("a", [])]);

        Assert.Equal((1, 1), (result.UnknownIds, result.InvalidLabels));
        Assert.Equal(2, result.Errors.Count);
    }

    [Fact]
    public void A_prediction_of_several_rows_takes_one_label_per_row()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 10 });
        f.Multiclass("batch", [0, 1, 2], [0.8f, 0.1f, 0.1f, 0.1f, 0.8f, 0.1f, 0.3f, 0.4f, 0.3f]);

        var single = f.Feedback("batch", FeedbackLabel.OfNumber(0));
        var list = f.Feedback("batch", FeedbackLabel.OfNumber(0), FeedbackLabel.OfText("versicolor"), FeedbackLabel.OfNumber(1));

        Assert.Equal(1, single.InvalidLabels);
        Assert.Equal(1, list.Accepted);
        Assert.Equal(2 / 3.0, PerformanceFixture.Metric(f.Version("flowers").Current, MetricNames.Accuracy));
    }

    [Fact]
    public void A_second_label_for_an_id_replaces_the_first()
    {
        var f = new PerformanceFixture();
        f.Binary("a", 1, 0.9f);

        f.Feedback("a", FeedbackLabel.OfNumber(0));
        f.Feedback("a", FeedbackLabel.OfNumber(1));

        var current = f.Version("cancer").Current!;
        Assert.Equal(1, current.Labels);
        Assert.Equal(1.0, PerformanceFixture.Metric(current, MetricNames.Accuracy));
    }
}
