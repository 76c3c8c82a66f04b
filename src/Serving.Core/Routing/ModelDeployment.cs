namespace Serving.Core.Routing;

/// <summary>One model's deployment as it stands, with what a rollback returns to and who changed it last.</summary>
public sealed record ModelDeployment
{
    public required string Model { get; init; }

    public required DeploymentSpec Spec { get; init; }

    /// <summary>The stable version before the last change of stable; what rollback without a canary returns to.</summary>
    public int? PreviousStable { get; init; }

    public DateTimeOffset Since { get; init; }

    /// <summary>Who made the change: an admin key's scope, a policy, or the rollout controller.</summary>
    public string ChangedBy { get; init; } = "startup";

    public string Reason { get; init; } = string.Empty;

    /// <summary>
    /// The deployment the MLflow aliases last asked for and the source applied (shadow unused). Saved with the
    /// deployment, so after a restart the source sets a deployment only when an alias moved, and an admin's change
    /// stands until then. Null for models that do not follow MLflow, and in files written before it existed.
    /// </summary>
    public DeploymentSpec? MlflowApplied { get; init; }
}
