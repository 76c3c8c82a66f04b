using Prometheus;

namespace Serving.Gateway.Metrics;

/// <summary>
/// The gateway's own Prometheus registry. A custom registry carries none of prometheus-net's default runtime
/// series (which fail <c>promtool check metrics</c>) and keeps two hosts in one process (tests) apart.
/// </summary>
internal sealed class GatewayMetricsRegistry
{
    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();
}
