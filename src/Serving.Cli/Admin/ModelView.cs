using Serving.Core.Rollouts;

namespace Serving.Cli.Admin;

/// <summary>A model as <c>GET /admin/models/{name}</c> shows it.</summary>
public sealed record ModelView(string Name, string Policy, DeploymentView? Deployment, RolloutStatus? Rollout, IReadOnlyList<VersionView> Versions);
