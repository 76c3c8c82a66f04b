namespace Serving.Core.Rollouts;

/// <summary>
/// A rollout as it is saved with the deployments (<c>rollouts</c> in <c>deployments.json</c>): everything needed to
/// go on after a restart (the settings it started with, the step, its start, the failures and every decision).
/// When its next check was due is not saved: after a restart the interrupted step starts again.
/// </summary>
internal sealed record SavedRollout
{
    /// <summary>The layout of this record; a later layout bumps it, so an older gateway can tell it cannot read it.</summary>
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    public required string Model { get; init; }

    public required int Stable { get; init; }

    public required int Canary { get; init; }

    public required IReadOnlyList<int> Steps { get; init; }

    public required double IntervalSeconds { get; init; }

    public required int FailureLimit { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required string State { get; init; }

    public int StepIndex { get; init; }

    public DateTimeOffset StepStartedAt { get; init; }

    public int Failures { get; init; }

    /// <summary>True from a promotion or rollback until its event was handed to the publisher; still true on start, it is published then.</summary>
    public bool EventPending { get; init; }

    public required IReadOnlyList<RolloutDecision> Decisions { get; init; }

    /// <summary>Why this record cannot be taken up again (a newer layout, or values no rollout could have), or null.</summary>
    public string? Problem() =>
        Format > CurrentFormat ? $"it was saved in layout {Format} by a newer version; this one reads layout {CurrentFormat}"
        : RolloutOptions.CheckSteps(Steps ?? []) is { } steps ? steps
        : StepIndex < 0 || StepIndex >= Steps!.Count ? $"step {StepIndex} is not one of its {Steps!.Count} steps"
        : !(IntervalSeconds > 0) ? $"interval {IntervalSeconds} s is not positive"
        : Stable <= 0 || Canary <= 0 || Stable == Canary ? $"stable {Stable} and canary {Canary} are not two versions"
        : State is not (RolloutStates.Running or RolloutStates.Waiting or RolloutStates.Paused or RolloutStates.Promoted or RolloutStates.RolledBack or RolloutStates.Aborted) ? $"state '{State}' is not a rollout state"
        : null;
}
