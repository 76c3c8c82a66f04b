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
}
