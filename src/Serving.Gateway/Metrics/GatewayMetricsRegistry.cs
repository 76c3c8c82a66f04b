using Prometheus;

namespace Serving.Gateway.Metrics;

/// <summary>
/// The gateway's own Prometheus registry. A custom registry carries none of prometheus-net's default runtime
/// series (which fail <c>promtool check metrics</c>) and keeps two hosts in one process (tests) apart.
/// </summary>
internal sealed class GatewayMetricsRegistry
{
    static GatewayMetricsRegistry()
    {
        // Touching prometheus-net starts adapters that listen to every .NET meter and event counter, which
        // switches on ASP.NET Core's per-request metrics and activities: that halved REST throughput here.
        // The gateway exports only its own series, so turn them all off before anything else is created.
        Prometheus.Metrics.SuppressDefaultMetrics();
    }

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();
}
