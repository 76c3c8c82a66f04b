using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Serving.Core.Routing;

/// <summary>Source-generated log messages of deployments (event ids 1100-1199).</summary>
internal static partial class RoutingLog
{
    /// <summary>Logs a new deployment; an absent canary or shadow reads "none", not an empty gap that looks like a fault.</summary>
    public static void DeploymentChanged(ILogger logger, string model, int stable, int? canary, int weight, int? shadow, string changedBy, string reason)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            DeploymentIsNow(logger, model, stable, CanaryText(canary, weight), shadow?.ToString(CultureInfo.InvariantCulture) ?? "none", changedBy, reason);
        }
    }

    /// <summary><c>3 at 10%</c>, or <c>none</c>.</summary>
    public static string CanaryText(int? canary, int weight) =>
        canary is { } c ? string.Create(CultureInfo.InvariantCulture, $"{c} at {weight}%") : "none";

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "{Model}: deployment is now stable {Stable}, canary {Canary}, shadow {Shadow} ({ChangedBy}: {Reason})")]
    private static partial void DeploymentIsNow(ILogger logger, string model, int stable, string canary, string shadow, string changedBy, string reason);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Saved deployments were not restored: {Problem}")]
    public static partial void StoreUnreadable(ILogger logger, string problem);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Saving deployments to {Path} failed; they will be lost on restart")]
    public static partial void StoreFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "{Model}: policy {Policy} could not act on version {Version}: {Reason}")]
    public static partial void PolicyFailed(ILogger logger, string model, DeploymentPolicy policy, int version, string reason);
}
