using Microsoft.Extensions.Logging;

namespace Serving.Core.Coordination;

/// <summary>Source-generated log messages of leadership (event ids 3100-3119).</summary>
internal static partial class CoordinationLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "This replica ({Holder}) is now the leader, fencing token {Token}, lease {LeaseSeconds} s")]
    public static partial void Acquired(ILogger logger, string holder, long token, double leaseSeconds);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "This replica ({Holder}) is no longer the leader (fencing token {Token}): {Reason}")]
    public static partial void Lost(ILogger logger, string holder, long token, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "This replica ({Holder}) released the leader lease (fencing token {Token}) on shutdown")]
    public static partial void Released(ILogger logger, string holder, long token);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "The leader lease could not be renewed or acquired: {Reason}")]
    public static partial void LeaseCallFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "A handler of the change of leadership (leader now {Leader}) failed")]
    public static partial void HandlerFailed(ILogger logger, bool leader, Exception exception);
}
