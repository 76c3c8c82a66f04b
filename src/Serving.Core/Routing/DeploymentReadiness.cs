using Serving.Core.Health;

namespace Serving.Core.Routing;

/// <summary>
/// The deployments' part of readiness: ready once the saved deployments are restored over the registry's first scan.
/// The registry publishes its first snapshot a moment before the deployments follow it; answering ready in that
/// moment would let a probe send traffic that the registry's defaults route instead of the saved deployment.
/// </summary>
public sealed class DeploymentReadiness(DeploymentManager deployments) : IReadinessDetail
{
    public const string Name = "deployments";

    public ReadinessDetail Check() => deployments.Restored
        ? new ReadinessDetail(Name, Ready: true)
        : new ReadinessDetail(Name, Ready: false, $"the saved deployments ({deployments.StatePath}) are not restored yet: the registry's first scan is not done");
}
