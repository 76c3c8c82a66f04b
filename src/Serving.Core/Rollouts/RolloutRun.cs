namespace Serving.Core.Rollouts;

/// <summary>One rollout's mutable state; only touched under the controller's lock, shown as <see cref="RolloutStatus"/>.</summary>
internal sealed class RolloutRun
{
    public required string Model { get; init; }

    public required int Stable { get; init; }

    public required int Canary { get; init; }

    public required IReadOnlyList<int> Steps { get; init; }

    public required TimeSpan Interval { get; init; }

    public required int FailureLimit { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public int StepIndex { get; set; }

    public int Weight => Steps[StepIndex];

    public string State { get; set; } = RolloutStates.Running;

    public bool IsActive => RolloutStates.IsActive(State);

    public int Failures { get; set; }

    /// <summary>When the step's weight was set.</summary>
    public DateTimeOffset StepStartedAt { get; set; }

    /// <summary>Start of the traffic judged next; stays put while the step waits, so traffic accumulates.</summary>
    public DateTimeOffset WindowStart { get; set; }

    public DateTimeOffset? NextCheckAt { get; set; }

    public List<RolloutDecision> Decisions { get; } = [];

    /// <summary>True from a promotion or rollback until its event was handed to the event publisher.</summary>
    public bool EventPending { get; set; }

    public SavedRollout ToSaved() => new()
    {
        Model = Model,
        Stable = Stable,
        Canary = Canary,
        Steps = Steps,
        IntervalSeconds = Interval.TotalSeconds,
        FailureLimit = FailureLimit,
        StartedAt = StartedAt,
        State = State,
        StepIndex = StepIndex,
        StepStartedAt = StepStartedAt,
        Failures = Failures,
        EventPending = EventPending,
        Decisions = [.. Decisions],
    };

    /// <summary>A saved rollout as it was; the caller decides when its step is judged next.</summary>
    public static RolloutRun FromSaved(SavedRollout saved)
    {
        var run = new RolloutRun
        {
            Model = saved.Model,
            Stable = saved.Stable,
            Canary = saved.Canary,
            Steps = [.. saved.Steps],
            Interval = TimeSpan.FromSeconds(saved.IntervalSeconds),
            FailureLimit = saved.FailureLimit,
            StartedAt = saved.StartedAt,
            State = saved.State,
            StepIndex = saved.StepIndex,
            StepStartedAt = saved.StepStartedAt,
            WindowStart = saved.StepStartedAt,
            Failures = saved.Failures,
            EventPending = saved.EventPending,
        };
        run.Decisions.AddRange(saved.Decisions);
        return run;
    }

    public RolloutStatus ToStatus() => new()
    {
        Model = Model,
        Stable = Stable,
        Canary = Canary,
        Steps = Steps,
        StepIndex = StepIndex,
        Weight = Weight,
        State = State,
        Failures = Failures,
        FailureLimit = FailureLimit,
        IntervalSeconds = Interval.TotalSeconds,
        StartedAt = StartedAt,
        StepStartedAt = StepStartedAt,
        NextCheckAt = NextCheckAt,
        Decisions = [.. Decisions],
    };
}
