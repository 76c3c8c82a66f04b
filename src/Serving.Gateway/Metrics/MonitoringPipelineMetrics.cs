using Prometheus;
using Serving.Core.Monitoring;

namespace Serving.Gateway.Metrics;

/// <summary>The one monitoring queue's depth and drops; read at scrape time, nothing on the request path.</summary>
internal static class MonitoringPipelineMetrics
{
    public static void Register(IServiceProvider services)
    {
        var queue = services.GetRequiredService<MonitoringQueue>();
        var registry = services.GetRequiredService<GatewayMetricsRegistry>().Registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var depth = factory.CreateGauge(
            "serving_monitoring_queue_depth",
            "Finished requests waiting for the monitoring pipeline (prediction log, drift, live performance, rollout statistics).");
        var dropped = factory.CreateCounter(
            "serving_monitoring_dropped_total",
            "Finished requests no monitor saw because the monitoring queue was full (Serving:Monitoring:Pipeline:QueueCapacity); each monitor also counts them as its own drops.");
        registry.AddBeforeCollectCallback(() =>
        {
            depth.Set(queue.Depth);
            dropped.IncTo(queue.Dropped);
        });
    }
}
