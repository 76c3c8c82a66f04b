using System.Text.Json.Serialization;
using Serving.Core.Monitoring.Shadow;
using Serving.Core.Registry.Mlflow;
using Serving.Core.Rollouts;

namespace Serving.Gateway.Rest.Admin;

/// <summary>
/// <c>GET /admin/models/{name}</c>: the model's policy, deployment, rollout and every version's state, then the
/// shadow's figures (agreement, latency), for a model fed by MLflow whether its registry is reachable, and the
/// batching settings of a model that batches; those three appear only when the model has them, so the documented
/// shape stays exact otherwise.
/// </summary>
public sealed record AdminModelView(
    string Name,
    string Policy,
    AdminDeploymentView? Deployment,
    RolloutStatus? Rollout,
    IReadOnlyList<AdminVersionView> Versions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ShadowReport? Shadow = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] MlflowModelSourceState? Source = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AdminBatchingView? Batching = null);
