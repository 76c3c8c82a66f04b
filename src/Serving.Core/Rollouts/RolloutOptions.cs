using System.Globalization;

namespace Serving.Core.Rollouts;

/// <summary>Canary analysis settings (<c>Serving:Rollouts</c>); a rollout request may override steps and interval.</summary>
public sealed class RolloutOptions
{
    public const string SectionName = "Serving:Rollouts";

    private static readonly int[] DefaultSteps = [5, 10, 25, 50];

    /// <summary>
    /// Canary weights to step through, ascending, each 1 to 99; after the last the canary is promoted. Null uses
    /// 5, 10, 25, 50 (the binder would append configured steps to a non-empty default, so the default lives apart).
    /// </summary>
    public int[]? Steps { get; set; }

    public IReadOnlyList<int> EffectiveSteps => Steps is { Length: > 0 } steps ? steps : DefaultSteps;

    /// <summary>How long each step is held before it is judged (Flagger's <c>interval</c>, also 60 s there).</summary>
    public double IntervalSeconds { get; set; } = 60;

    /// <summary>
    /// The longest interval a rollout may ask for; the statistics keep this much history per version, so a step that
    /// waits for traffic is judged on at most this span (its newest whole intervals).
    /// </summary>
    public double MaxIntervalSeconds { get; set; } = 600;

    /// <summary>
    /// The shortest interval a rollout may ask for. Windows are exact whatever it is (they are counted in whole step
    /// intervals from the step's start); with <see cref="MaxIntervalSeconds"/> it bounds the slots kept per version
    /// (at most MaxIntervalSeconds / BucketSeconds + 2).
    /// </summary>
    public double BucketSeconds { get; set; } = 5;

    /// <summary>Requests both canary and stable must have served in a window before it is judged; fewer and the step waits.</summary>
    public int MinRequests { get; set; } = 50;

    /// <summary>The canary's success rate must be at least this (Flagger's built-in gate: 99%).</summary>
    public double MinSuccessRate { get; set; } = 0.99;

    /// <summary>The canary's error rate may exceed stable's by at most this (0.01 = one percentage point).</summary>
    public double MaxErrorRateIncrease { get; set; } = 0.01;

    /// <summary>The canary's p99 may be at most stable's × this, or stable's + <see cref="P99SlackMs"/>, whichever is larger.</summary>
    public double MaxP99Ratio { get; set; } = 1.5;

    /// <summary>Absolute slack on the p99 comparison, so a 1 ms stable p99 does not fail a 2 ms canary.</summary>
    public double P99SlackMs { get; set; } = 5;

    /// <summary>The canary's p99 must be at most this whatever stable does (Flagger's built-in gate: 500 ms).</summary>
    public double MaxP99Ms { get; set; } = 500;

    /// <summary>Largest tolerated PSI between canary and stable prediction distributions (0.2 is the usual "significant shift").</summary>
    public double MaxPredictionPsi { get; set; } = 0.2;

    /// <summary>How far the canary's live accuracy may fall below stable's, when both are known.</summary>
    public double MaxAccuracyDrop { get; set; } = 0.02;

    /// <summary>
    /// Failed checks tolerated; the next one rolls back (Argo's <c>failureLimit</c> semantics: roll back when
    /// failures exceed it). Flagger's <c>threshold</c> rolls back when failures reach it, so threshold = this + 1.
    /// Failures count over the whole rollout, not per step.
    /// </summary>
    public int FailureLimit { get; set; } = 2;

    /// <summary>
    /// What a rollout that was in progress when the gateway stopped does on the next start: <c>Resume</c> (its
    /// interrupted step starts again with a fresh window; a paused one stays paused) or <c>RollBack</c> (its canary is
    /// removed, with the reason in its history). A canary a rollout placed but whose state is missing (a file written
    /// by an older version) gets the same choice: a fresh rollout, or a rollback.
    /// </summary>
    public string OnRestart { get; set; } = ResumeOnRestart;

    public const string ResumeOnRestart = "Resume";

    public const string RollBackOnRestart = "RollBack";

    /// <summary>True when <see cref="OnRestart"/> says <c>RollBack</c>.</summary>
    public bool RollsBackOnRestart => string.Equals(OnRestart, RollBackOnRestart, StringComparison.OrdinalIgnoreCase);

    /// <summary>The first problem with a list of steps, or null.</summary>
    public static string? CheckSteps(IReadOnlyList<int> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
        {
            return "steps must name at least one canary weight";
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is < 1 or > 99)
            {
                return $"step weights must be between 1 and 99, not {steps[i]}";
            }

            if (i > 0 && steps[i] <= steps[i - 1])
            {
                return $"step weights must ascend, but {steps[i]} follows {steps[i - 1]}";
            }
        }

        return null;
    }

    /// <summary>The first problem with an interval, or null.</summary>
    public string? CheckInterval(double seconds) =>
        !(seconds >= BucketSeconds && seconds <= MaxIntervalSeconds)
            ? $"intervalSeconds must be between {BucketSeconds} (Serving:Rollouts:BucketSeconds) and {MaxIntervalSeconds} (Serving:Rollouts:MaxIntervalSeconds), not {seconds}"
            : null;

    /// <summary>Problems with the settings, for start-up validation: each names its key, its value and what is allowed.</summary>
    public IEnumerable<string> Validate()
    {
        if (CheckSteps(EffectiveSteps) is { } steps)
        {
            yield return $"{SectionName}:Steps is '{string.Join(',', EffectiveSteps)}'; use ascending canary weights from 1 to 99 ({steps})";
        }

        if (!(BucketSeconds is >= 1 and <= 60))
        {
            yield return Invariant($"{SectionName}:BucketSeconds is '{BucketSeconds}'; use a number from 1 to 60");
        }
        else if (!(MaxIntervalSeconds >= BucketSeconds && MaxIntervalSeconds / BucketSeconds <= 3600))
        {
            yield return Invariant($"{SectionName}:MaxIntervalSeconds is '{MaxIntervalSeconds}'; use a number from {BucketSeconds} (BucketSeconds) to {BucketSeconds * 3600} (3600 buckets)");
        }
        else if (!(IntervalSeconds >= BucketSeconds && IntervalSeconds <= MaxIntervalSeconds))
        {
            yield return Invariant($"{SectionName}:IntervalSeconds is '{IntervalSeconds}'; use a number from {BucketSeconds} ({SectionName}:BucketSeconds) to {MaxIntervalSeconds} ({SectionName}:MaxIntervalSeconds)");
        }

        if (MinRequests < 1)
        {
            yield return Invariant($"{SectionName}:MinRequests is '{MinRequests}'; use a whole number of at least 1 (a canary with no traffic cannot be judged)");
        }

        foreach (var (name, value) in new[] { (nameof(MinSuccessRate), MinSuccessRate), (nameof(MaxErrorRateIncrease), MaxErrorRateIncrease), (nameof(MaxAccuracyDrop), MaxAccuracyDrop) })
        {
            if (!(value is >= 0 and <= 1))
            {
                yield return Invariant($"{SectionName}:{name} is '{value}'; use a share from 0 to 1");
            }
        }

        if (!(MaxP99Ratio >= 1))
        {
            yield return Invariant($"{SectionName}:MaxP99Ratio is '{MaxP99Ratio}'; use a number of at least 1");
        }

        if (!(P99SlackMs >= 0))
        {
            yield return Invariant($"{SectionName}:P99SlackMs is '{P99SlackMs}'; use a number of at least 0");
        }

        foreach (var (name, value) in new[] { (nameof(MaxP99Ms), MaxP99Ms), (nameof(MaxPredictionPsi), MaxPredictionPsi) })
        {
            if (!(value > 0))
            {
                yield return Invariant($"{SectionName}:{name} is '{value}'; use a number above 0");
            }
        }

        if (FailureLimit < 0)
        {
            yield return Invariant($"{SectionName}:FailureLimit is '{FailureLimit}'; use a whole number of at least 0");
        }

        if (!string.Equals(OnRestart, ResumeOnRestart, StringComparison.OrdinalIgnoreCase) && !RollsBackOnRestart)
        {
            yield return $"{SectionName}:OnRestart is '{OnRestart}'; use {ResumeOnRestart} (a rollout in progress resumes after a restart) or {RollBackOnRestart} (its canary is rolled back)";
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
