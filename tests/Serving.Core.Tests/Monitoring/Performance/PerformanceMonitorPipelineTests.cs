using Microsoft.Extensions.Logging.Abstractions;
using Serving.Core.Monitoring;
using Serving.Core.Monitoring.Performance;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>The monitor as the gateway runs it, fed by the monitoring pipeline: each drain files its predictions itself.</summary>
public sealed class PerformanceMonitorPipelineTests
{
    [Fact]
    public void A_drain_files_the_predictions_on_its_own_thread_so_feedback_right_after_finds_them()
    {
        var f = new PerformanceFixture();
        var queue = new MonitoringQueue(64);
        var monitor = new PerformanceMonitor(PerformanceFixture.ManifestOf, f.Options, f.Time, NullLogger<PerformanceMonitor>.Instance, intake: queue);
        var pipeline = new MonitoringPipeline(queue, [monitor]);

        pipeline.OnCompleted(f.BinaryRecord("a", 1, 0.9f));
        pipeline.OnCompleted(f.BinaryRecord("b", 0, 0.2f));
        Assert.Equal(0, monitor.HeldPredictions);
        Assert.Equal(2, pipeline.Drain());

        // The monitor's own reader was never started: nothing waits in its queue, both are held for their labels.
        Assert.Equal((0, 0L, 2), (monitor.Depth, monitor.Dropped, monitor.HeldPredictions));
        var result = monitor.AddFeedback([new FeedbackItem("a", [FeedbackLabel.OfNumber(1)]), new FeedbackItem("b", [FeedbackLabel.OfNumber(1)])]);
        Assert.Equal((2, 0, 0), (result.Accepted, result.Pending, result.UnknownIds));
    }
}
