using Prometheus;
using Serving.Core.Registry.Mlflow;

namespace Serving.Gateway.Metrics;

/// <summary>Whether each MLflow-fed model's registry answered its last poll, read at scrape time.</summary>
internal static class MlflowSourceMetrics
{
    public static void Register(IServiceProvider services)
    {
        var status = services.GetRequiredService<MlflowSourceStatus>();
        var registry = services.GetRequiredService<GatewayMetricsRegistry>().Registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var reachable = factory.CreateGauge(
            "serving_mlflow_source_reachable",
            "1 when the model's MLflow registry answered the last poll, 0 when it did not (serving goes on with what is loaded).",
            ["model"]);
        var lastSuccess = factory.CreateGauge(
            "serving_mlflow_source_last_success_timestamp_seconds",
            "Unix time of the model's last successful MLflow poll.",
            ["model"]);
        registry.AddBeforeCollectCallback(() =>
        {
            foreach (var state in status.All)
            {
                reachable.WithLabels(state.Model).Set(state.Reachable ? 1 : 0);
                if (state.LastSuccessAt is { } at)
                {
                    lastSuccess.WithLabels(state.Model).Set(at.ToUnixTimeMilliseconds() / 1000.0);
                }
            }
        });
    }
}
