using Serving.Core.Contracts;
using Serving.Core.Monitoring.Performance;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>The monitor as the gateway runs it: observer on the request path, background reader behind a bounded queue.</summary>
public sealed class PerformanceMonitorTests
{
    [Fact]
    public async Task Feedback_after_catching_up_finds_predictions_just_answered()
    {
        var f = new PerformanceFixture(new PerformanceOptions { WindowRows = 500 });
        await f.Monitor.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            for (var i = 0; i < 100; i++)
            {
                f.Monitor.Consume(f.BinaryRecord($"id{i}", 1, 0.9f));
            }

            await f.Monitor.CatchUpAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            var result = f.Monitor.AddFeedback([.. Enumerable.Range(0, 100).Select(i => new FeedbackItem($"id{i}", [FeedbackLabel.OfNumber(1)]))]);

            Assert.Equal(100, result.Accepted);
            Assert.Equal(100, f.Monitor.HeldPredictions);
        }
        finally
        {
            await f.Monitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void A_disabled_monitor_takes_nothing_in()
    {
        var f = new PerformanceFixture(new PerformanceOptions { Enabled = false });

        f.Monitor.Consume(f.BinaryRecord("a", 1, 0.9f));

        Assert.Equal(0, f.Monitor.Depth);
    }

    [Fact]
    public void Failed_requests_and_unknown_models_are_not_scored()
    {
        var f = new PerformanceFixture();
        var failed = f.BinaryRecord("failed", 1, 0.9f) with { Error = Serving.Core.Contracts.InferenceErrorKind.BadRequest };
        var unknown = f.BinaryRecord("unknown", 1, 0.9f) with { Model = "not-a-model" };

        f.Monitor.Ingest(failed);
        f.Monitor.Ingest(unknown);

        Assert.Equal(0, f.Monitor.HeldPredictions);
    }
}
