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

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Saving deployments to {Path} failed: {Reason}. They serve, but are lost on restart; further failures are counted (serving_state_save_failures_total) until a save succeeds")]
    public static partial void StoreFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "{Model}: policy {Policy} could not act on version {Version}: {Reason}")]
    public static partial void PolicyFailed(ILogger logger, string model, DeploymentPolicy policy, int version, string reason);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Saving deployments to {Path} works again")]
    public static partial void StoreRecovered(ILogger logger, string path);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Read {Count} saved deployments from {Former}, where earlier releases kept them; they are saved to {Path} from now on (the old file is no longer read once the new one exists)")]
    public static partial void StoreMigrated(ILogger logger, int count, string former, string path);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "Another replica's change to model {Model} is not applied here: {Reason}; this replica keeps serving its current deployment of it")]
    public static partial void SharedChangeNotApplied(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "The shared state ({Location}) was empty: filled with this replica's last known {Count} deployments from {Path}")]
    public static partial void SharedStoreSeeded(ILogger logger, string location, int count, string path);
}
