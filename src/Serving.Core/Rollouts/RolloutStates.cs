namespace Serving.Core.Rollouts;

/// <summary>The words <see cref="RolloutStatus.State"/> and <see cref="RolloutDecision.Outcome"/> use.</summary>
public static class RolloutStates
{
    public const string Running = "running";
    public const string Waiting = "waiting";
    public const string Paused = "paused";
    public const string Promoted = "promoted";
    public const string RolledBack = "rolled-back";
    public const string Aborted = "aborted";

    // Decision outcomes beyond the states above.
    public const string Started = "started";
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string Resumed = "resumed";

    /// <summary>True while the rollout still owns the canary: running, waiting or paused.</summary>
    public static bool IsActive(string state) => state is Running or Waiting or Paused;
}
