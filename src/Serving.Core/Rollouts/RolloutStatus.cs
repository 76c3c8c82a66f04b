namespace Serving.Core.Rollouts;

/// <summary>A rollout as the admin API and the CLI show it.</summary>
public sealed record RolloutStatus
{
    public required string Model { get; init; }

    public required int Stable { get; init; }

    public required int Canary { get; init; }

    public required IReadOnlyList<int> Steps { get; init; }

    /// <summary>Index into <see cref="Steps"/> of the step being held.</summary>
    public int StepIndex { get; init; }

    /// <summary>The canary's weight now.</summary>
    public int Weight { get; init; }

    /// <summary><c>running</c>, <c>waiting</c> (too little traffic to judge), <c>paused</c>, <c>promoted</c>, <c>rolled-back</c> or <c>aborted</c>.</summary>
    public required string State { get; init; }

    /// <summary>Failed checks so far, and how many are tolerated before rolling back.</summary>
    public int Failures { get; init; }

    public int FailureLimit { get; init; }

    public double IntervalSeconds { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset StepStartedAt { get; init; }

    /// <summary>When the step is judged next; null once the rollout ended or while it is paused.</summary>
    public DateTimeOffset? NextCheckAt { get; init; }

    /// <summary>Every decision with the figures it was based on, oldest first.</summary>
    public required IReadOnlyList<RolloutDecision> Decisions { get; init; }
}

/// <summary>One judgement of a step.</summary>
public sealed record RolloutDecision
{
    public DateTimeOffset At { get; init; }

    public int Weight { get; init; }

    /// <summary><c>passed</c>, <c>failed</c>, <c>waiting</c>, <c>promoted</c>, <c>rolled-back</c>, <c>paused</c>, <c>resumed</c>, <c>aborted</c>, <c>started</c>.</summary>
    public required string Outcome { get; init; }

    public RolloutFigures? Figures { get; init; }

    /// <summary>Each gate that failed or could not be judged, in words.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];
}

/// <summary>Stable against canary over one step's interval.</summary>
public sealed record RolloutFigures
{
    /// <summary>The interval [from, to) every figure below, and every gate, was judged on.</summary>
    public RolloutWindow? Window { get; init; }

    public long StableRequests { get; init; }

    public long CanaryRequests { get; init; }

    public double StableErrorRate { get; init; }

    public double CanaryErrorRate { get; init; }

    public double? StableP99Ms { get; init; }

    public double? CanaryP99Ms { get; init; }

    /// <summary>Shift of the canary's prediction distribution from stable's (PSI); null when not comparable.</summary>
    public double? PredictionPsi { get; init; }

    /// <summary>Share of shadowed requests where canary and stable predicted the same; null without shadow data.</summary>
    public double? Agreement { get; init; }

    public double? StableAccuracy { get; init; }

    public double? CanaryAccuracy { get; init; }
}
