using Serving.Core.Rollouts;

namespace Serving.Gateway.Rest.Admin;

/// <summary><c>GET /admin/models/{name}</c>: the model's policy, deployment, rollout and every version's state.</summary>
public sealed record AdminModelView(
    string Name,
    string Policy,
    AdminDeploymentView? Deployment,
    RolloutStatus? Rollout,
    IReadOnlyList<AdminVersionView> Versions);
