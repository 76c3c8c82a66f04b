using Microsoft.Extensions.Logging;

namespace Serving.Core.Routing.Mlflow;

/// <summary>Log events of the MLflow sources. No message carries a credential: the server is logged without user info.</summary>
internal static partial class MlflowLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "MLflow: published {RegisteredModel} version {Version} as model '{Model}' (same version number)")]
    public static partial void VersionPublished(ILogger logger, string registeredModel, string model, int version);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "MLflow: version {Version} of model '{Model}' cannot be served: {Reason}")]
    public static partial void VersionFailed(ILogger logger, string model, int version, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "MLflow: tracking server unreachable for model '{Model}'; serving what is loaded. {Reason}")]
    public static partial void Unreachable(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "MLflow: tracking server {Server} reachable again for model '{Model}'")]
    public static partial void Reachable(ILogger logger, Uri server, string model);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "MLflow: poll of model '{Model}' failed: {Reason}")]
    public static partial void PollFailed(ILogger logger, string model, string reason);

    /// <summary>Logs the deployment the aliases gave; no canary reads "none", not an empty gap.</summary>
    public static void Deployed(ILogger logger, string model, int stable, int? canary, int weight)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            FollowsAliases(logger, model, stable, Routing.RoutingLog.CanaryText(canary, weight));
        }
    }

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "MLflow: model '{Model}' follows its aliases: stable {Stable}, canary {Canary}")]
    private static partial void FollowsAliases(ILogger logger, string model, int stable, string canary);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "MLflow: model '{Model}' follows {RegisteredModel} on {Server} every {PollSeconds} s")]
    public static partial void Started(ILogger logger, string model, string registeredModel, Uri server, double pollSeconds);
}
