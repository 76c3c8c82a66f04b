using Microsoft.Extensions.Logging;

namespace Serving.Core.Rollouts;

/// <summary>Source-generated log messages of canary rollouts (event ids 1200-1299).</summary>
internal static partial class RolloutLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "{Model}: rollout of version {Canary} over stable {Stable} {Outcome} at {Weight}% (requests canary {CanaryRequests} / stable {StableRequests}, error rate {CanaryErrorRate} / {StableErrorRate}, p99 ms {CanaryP99Ms} / {StableP99Ms}, prediction PSI {Psi}) {Reasons}")]
    public static partial void Decision(
        ILogger logger, string model, int canary, int stable, string outcome, int weight, long canaryRequests, long stableRequests,
        double canaryErrorRate, double stableErrorRate, double? canaryP99Ms, double? stableP99Ms, double? psi, string reasons);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "Rollout checks failed unexpectedly; they run again when the next step is due")]
    public static partial void CheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "{Model}: the gateway restarted during the rollout of version {Canary} over stable {Stable}; step {Step} of {Steps} ({Weight}%) starts again with a fresh window (traffic before the restart is not counted), its {Decisions} earlier decisions kept")]
    public static partial void ResumedAfterRestart(ILogger logger, string model, int canary, int stable, int step, int steps, int weight, int decisions);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "{Model}: the rollout of version {Canary} over stable {Stable} was paused when the gateway stopped and stays paused at {Weight}%; resume or abort it")]
    public static partial void PausedAfterRestart(ILogger logger, string model, int canary, int stable, int weight);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "{Model}: the gateway restarted during the rollout of version {Canary} over stable {Stable}; Serving:Rollouts:OnRestart is RollBack, so the canary was rolled back from {Weight}%")]
    public static partial void RolledBackAfterRestart(ILogger logger, string model, int canary, int stable, int weight);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "{Model}: canary {Canary} at {Weight}% was placed by a rollout ({ChangedBy}: {Reason}) but no rollout state was saved (an older version wrote the file); a fresh rollout starts at step {Step} of {Steps} ({StepWeight}%)")]
    public static partial void RestartedWithoutState(ILogger logger, string model, int canary, int weight, string changedBy, string reason, int step, int steps, int stepWeight);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "{Model}: canary {Canary} at {Weight}% was placed by a rollout ({ChangedBy}: {Reason}) but no rollout state was saved (an older version wrote the file); Serving:Rollouts:OnRestart is RollBack, so the canary was rolled back")]
    public static partial void RolledBackWithoutState(ILogger logger, string model, int canary, int weight, string changedBy, string reason);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Warning, Message = "{Model}: the rollout of version {Canary} over stable {Stable} could not go on after the restart: {Reason}")]
    public static partial void EndedAfterRestart(ILogger logger, string model, int canary, int stable, string reason);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Warning, Message = "{Model}: the saved rollout state cannot be read ({Problem}); it is ignored")]
    public static partial void SavedStateUnreadable(ILogger logger, string model, string problem);

    [LoggerMessage(EventId = 1209, Level = LogLevel.Warning, Message = "{Model}: the {Type} event of the rollout of version {Canary} could not be recorded; it is tried again on the next start")]
    public static partial void EventNotPublished(ILogger logger, string model, string type, int canary, Exception exception);
}
