using Microsoft.Extensions.Logging;

namespace Serving.Core.Routing.Redis;

/// <summary>Source-generated log messages of deployment state shared through Redis (event ids 3120-3139).</summary>
internal static partial class SharedStateLog
{
    [LoggerMessage(EventId = 3120, Level = LogLevel.Warning, Message = "Redis is not reachable ({Reason}): this replica serves its last known deployments from {Path} and catches up when Redis is back")]
    public static partial void LoadedFromCache(ILogger logger, string reason, string path);

    [LoggerMessage(EventId = 3121, Level = LogLevel.Warning, Message = "A deployment change to {Models} could not be written to Redis ({Reason}): it serves on this replica and is written when Redis is back")]
    public static partial void WriteDeferred(ILogger logger, string models, string reason);

    [LoggerMessage(EventId = 3122, Level = LogLevel.Warning, Message = "A leader-only write to {Models} with fencing token {Token} was refused: a newer leader holds token {Fence}. This replica takes the shared state as it is")]
    public static partial void FencedOut(ILogger logger, string models, long token, long fence);

    [LoggerMessage(EventId = 3123, Level = LogLevel.Information, Message = "Applied another replica's change to {Models} (state version {Version})")]
    public static partial void AppliedElsewhere(ILogger logger, string models, long version);

    [LoggerMessage(EventId = 3124, Level = LogLevel.Warning, Message = "The shared deployment state cannot be re-read from Redis: {Reason}. This replica serves its last known deployments and says when Redis answers again")]
    public static partial void RereadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3125, Level = LogLevel.Information, Message = "Redis is reachable again: {Count} deferred deployment change(s) written")]
    public static partial void DeferredWritten(ILogger logger, int count);

    [LoggerMessage(EventId = 3126, Level = LogLevel.Warning, Message = "The shared document of model {Model} cannot be read and is ignored: {Reason}")]
    public static partial void DocumentUnreadable(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 3127, Level = LogLevel.Error, Message = "Applying another replica's deployment change failed")]
    public static partial void ApplyFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3128, Level = LogLevel.Information, Message = "The shared deployment state can be read from Redis again; this replica is back in step")]
    public static partial void RereadRecovered(ILogger logger);
}
