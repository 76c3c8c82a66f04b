namespace Serving.Core.Events;

/// <summary>The event types the gateway sends; subscriptions name these (none named means all).</summary>
public static class GatewayEventTypes
{
    /// <summary>A model's inputs drifted: the dataset drifted, or one feature stayed over its threshold for K windows. One per episode.</summary>
    public const string DriftDetected = "drift.detected";

    /// <summary>A live metric fell below its threshold with enough labels behind it. One per episode.</summary>
    public const string PerformanceDegraded = "performance.degraded";

    /// <summary>An analysed rollout promoted its canary to stable.</summary>
    public const string RolloutPromoted = "rollout.promoted";

    /// <summary>An analysed rollout rolled its canary back.</summary>
    public const string RolloutRolledBack = "rollout.rolled_back";

    /// <summary>The retrainer published a new version into the registry.</summary>
    public const string VersionPublished = "version.published";

    /// <summary>A retraining run failed or its candidate was refused by the evaluation gate; nothing was published.</summary>
    public const string VersionFailed = "version.failed";

    /// <summary>A model's retraining schedule (cron) came due.</summary>
    public const string RetrainScheduled = "retrain.scheduled";

    /// <summary>Every type, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } =
        [DriftDetected, PerformanceDegraded, RolloutPromoted, RolloutRolledBack, VersionPublished, VersionFailed, RetrainScheduled];

    /// <summary>True for a type the gateway knows; never for null (a JSON null in a list of types).</summary>
    public static bool IsKnown(string? type) => type is not null && All.Contains(type, StringComparer.Ordinal);
}
