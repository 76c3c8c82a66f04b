using Prometheus;
using Serving.Core.Storage;

namespace Serving.Gateway.Metrics;

/// <summary>Whether the gateway can write its data directory, and failed saves of the deployment state; read at scrape time.</summary>
internal static class DataDirectoryMetrics
{
    public static void Register(IServiceProvider services)
    {
        var status = services.GetRequiredService<DataDirectoryStatus>();
        var registry = services.GetRequiredService<GatewayMetricsRegistry>().Registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var writable = factory.CreateGauge(
            "serving_data_directory_writable",
            "1 when the last check could write to the data directory (Serving:DataPath), 0 when it could not (state is not saved, file prediction logs are not written).");
        var saveFailures = factory.CreateCounter(
            "serving_state_save_failures_total",
            "Failed saves of the deployment state (the change serves, but is lost on restart).");
        registry.AddBeforeCollectCallback(() =>
        {
            var report = status.Snapshot();
            writable.Set(report.Writable ? 1 : 0);
            saveFailures.IncTo(report.StateSaveFailures);
        });
    }
}
