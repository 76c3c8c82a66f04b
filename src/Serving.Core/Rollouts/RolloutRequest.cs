namespace Serving.Core.Rollouts;

/// <summary>What <c>POST /admin/models/{name}/rollout</c> takes; unset fields use the configured defaults.</summary>
public sealed record RolloutRequest
{
    /// <summary>The version to roll out as canary.</summary>
    public required int Canary { get; init; }

    /// <summary>Canary weights to step through, ascending, each below 100; after the last one the canary is promoted.</summary>
    public IReadOnlyList<int>? Steps { get; init; }

    /// <summary>How long each step is held before it is judged.</summary>
    public double? IntervalSeconds { get; init; }
}
