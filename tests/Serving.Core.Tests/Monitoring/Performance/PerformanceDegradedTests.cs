using System.Globalization;
using Serving.Core.Events;
using Serving.Core.Monitoring.Performance;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>
/// performance.degraded: a closed window is judged against its model's thresholds once it has MinimumLabels labels;
/// one event per episode, which CleanWindowsToEnd good windows end.
/// </summary>
public sealed class PerformanceDegradedTests
{
    private readonly RecordingEventPublisher _events = new();
    private int _next;

    private PerformanceFixture Fixture(int cleanToEnd = 2)
    {
        var options = new PerformanceOptions { WindowRows = 10, MinimumLabels = 5, CleanWindowsToEnd = cleanToEnd };
        options.Thresholds["cancer"] = new Dictionary<string, double> { ["accuracy"] = 0.8 };
        options.Thresholds["sugar"] = new Dictionary<string, double> { ["rmse"] = 1.0 };
        return new PerformanceFixture(options, _events);
    }

    private IReadOnlyList<GatewayEvent> Degraded => _events.OfType(GatewayEventTypes.PerformanceDegraded);

    /// <summary>Fills one window of ten binary predictions (class 1) and returns their ids.</summary>
    private List<string> Window(PerformanceFixture f)
    {
        var ids = Enumerable.Range(0, 10).Select(_ => $"p{_next++}").ToList();
        foreach (var id in ids)
        {
            f.Binary(id, 1, 0.9f);
        }

        return ids;
    }

    /// <summary>Labels the ids: the first <paramref name="right"/> with the predicted class, the rest with the other one.</summary>
    private static async Task LabelAsync(PerformanceFixture f, IEnumerable<string> ids, int right)
    {
        var items = ids.Select((id, i) => new FeedbackItem(id, [FeedbackLabel.OfNumber(i < right ? 1 : 0)])).ToList();
        Assert.Equal(items.Count, f.Monitor.AddFeedback(items).Accepted);
        await f.Monitor.FlushEventsAsync();
    }

    [Fact]
    public async Task A_bad_window_with_too_few_labels_sends_nothing_and_with_enough_sends_one_event()
    {
        var f = Fixture();
        var ids = Window(f);

        await LabelAsync(f, ids[..4], right: 0);
        Assert.Empty(Degraded);

        await LabelAsync(f, ids[4..5], right: 0);
        var sent = Assert.Single(Degraded);

        Assert.Equal($"performance-cancer-1-accuracy-{f.Time.GetUtcNow().ToUnixTimeMilliseconds()}", sent.Id);
        Assert.Equal("cancer", (string?)sent.Data["model"]);
        Assert.Equal(1, (int?)sent.Data["version"]);
        Assert.Equal("accuracy", (string?)sent.Data["metric"]);
        Assert.Equal(0.0, (double?)sent.Data["value"]);
        Assert.Equal(0.8, (double?)sent.Data["threshold"]);
        Assert.Equal("below", (string?)sent.Data["worseWhen"]);
        Assert.Equal(5, (int?)sent.Data["labels"]);
        Assert.Equal(10, (int?)sent.Data["window"]!["rows"]);
        Assert.Equal(f.Time.GetUtcNow(), DateTimeOffset.Parse((string)sent.Data["window"]!["from"]!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_window_that_meets_the_threshold_sends_nothing()
    {
        var f = Fixture();
        var ids = Window(f);

        await LabelAsync(f, ids, right: 9);

        Assert.Empty(_events.Events);
    }

    [Fact]
    public async Task Several_bad_windows_are_one_episode_good_windows_end_it_and_a_new_breach_sends_a_new_event()
    {
        var f = Fixture(cleanToEnd: 2);
        await LabelAsync(f, Window(f), right: 2);
        f.Time.Advance(TimeSpan.FromMinutes(1));
        await LabelAsync(f, Window(f), right: 3);
        f.Time.Advance(TimeSpan.FromMinutes(1));
        await LabelAsync(f, Window(f), right: 10);
        f.Time.Advance(TimeSpan.FromMinutes(1));
        await LabelAsync(f, Window(f), right: 1);
        Assert.Single(Degraded);

        f.Time.Advance(TimeSpan.FromMinutes(1));
        await LabelAsync(f, Window(f), right: 10);
        f.Time.Advance(TimeSpan.FromMinutes(1));
        await LabelAsync(f, Window(f), right: 9);
        Assert.Single(Degraded);
        Assert.Null(EpisodeStart(f));

        f.Time.Advance(TimeSpan.FromMinutes(1));
        var secondStart = f.Time.GetUtcNow();
        await LabelAsync(f, Window(f), right: 0);

        Assert.Equal(2, Degraded.Count);
        Assert.NotEqual(Degraded[0].Id, Degraded[1].Id);
        Assert.Equal($"performance-cancer-1-accuracy-{secondStart.ToUnixTimeMilliseconds()}", Degraded[1].Id);
    }

    [Fact]
    public async Task An_error_metric_is_worse_above_its_threshold()
    {
        var f = Fixture();
        var ids = Enumerable.Range(0, 10).Select(i => $"s{i}").ToList();
        foreach (var id in ids)
        {
            f.Regression(id, 5f);
        }

        f.Monitor.AddFeedback([.. ids.Select(id => new FeedbackItem(id, [FeedbackLabel.OfNumber(3)]))]);
        await f.Monitor.FlushEventsAsync();

        var sent = Assert.Single(Degraded);
        Assert.Equal("rmse", (string?)sent.Data["metric"]);
        Assert.Equal(2.0, (double)sent.Data["value"]!, 1e-6);
        Assert.Equal("above", (string?)sent.Data["worseWhen"]);
    }

    [Fact]
    public async Task A_model_without_thresholds_is_never_judged()
    {
        var f = Fixture();
        var ids = Enumerable.Range(0, 10).Select(i => $"m{i}").ToList();
        foreach (var id in ids)
        {
            f.Multiclass(id, [0], [1f, 0f, 0f]);
        }

        f.Monitor.AddFeedback([.. ids.Select(id => new FeedbackItem(id, [FeedbackLabel.OfNumber(2)]))]);
        await f.Monitor.FlushEventsAsync();

        Assert.Empty(_events.Events);
    }

    [Theory]
    [InlineData("accuracy", 1.5, "Serving:Monitoring:Performance:Thresholds:cancer:accuracy is '1.5'; use a number from 0 to 1")]
    [InlineData("precisionn", 0.5, "Serving:Monitoring:Performance:Thresholds:cancer:precisionn names no metric")]
    [InlineData("rmse", -1, "Serving:Monitoring:Performance:Thresholds:cancer:rmse is '-1'; use a number of at least 0")]
    public void A_bad_threshold_is_named_with_its_key(string metric, double value, string expected)
    {
        var options = new PerformanceOptions();
        options.Thresholds["cancer"] = new Dictionary<string, double> { [metric] = value };

        Assert.StartsWith(expected, Assert.Single(options.ValidateThresholds()), StringComparison.Ordinal);
    }

    private static DateTimeOffset? EpisodeStart(PerformanceFixture f) => f.Monitor.EpisodeStart("cancer", 1, MetricNames.Accuracy);
}
