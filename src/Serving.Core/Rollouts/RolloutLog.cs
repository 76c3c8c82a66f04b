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
}
