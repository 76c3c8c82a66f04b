using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serving.Core.Health;

namespace Serving.Gateway.Grpc;

/// <summary>Reports the server's readiness to the standard <c>grpc.health.v1.Health</c> service.</summary>
internal sealed class InferenceReadinessHealthCheck(ReadinessProbe readiness) : IHealthCheck
{
    /// <summary>The health check's registration name.</summary>
    public const string Name = "inference-ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = readiness.Check();
        return Task.FromResult(report.Ready
            ? HealthCheckResult.Healthy("ready")
            : HealthCheckResult.Unhealthy(report.Reason));
    }
}
