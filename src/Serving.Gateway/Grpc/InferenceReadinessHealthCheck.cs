using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serving.Core.Inference;

namespace Serving.Gateway.Grpc;

/// <summary>Reports the data plane's readiness to the standard <c>grpc.health.v1.Health</c> service.</summary>
internal sealed class InferenceReadinessHealthCheck(IInferenceService inference) : IHealthCheck
{
    /// <summary>The health check's registration name.</summary>
    public const string Name = "inference-ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(inference.IsServerReady
            ? HealthCheckResult.Healthy("models are serving")
            : HealthCheckResult.Unhealthy("the registry is still being read or models are still loading"));
}
