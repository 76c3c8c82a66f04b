using Serving.Core.Routing;

namespace Serving.Gateway.Rest.Admin;

/// <summary>A deployment as the admin API shows and takes it.</summary>
public sealed record AdminDeploymentView(int Stable, int? Canary, int CanaryWeight, int? Shadow)
{
    public static AdminDeploymentView Of(DeploymentSpec spec) => new(spec.Stable, spec.Canary, spec.CanaryWeight, spec.Shadow);
}
