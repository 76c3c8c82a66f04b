using Microsoft.Extensions.Logging;

namespace Serving.Core.Monitoring.Shared;

/// <summary>Source-generated log messages of the shared monitor feed (event ids 2660-2669).</summary>
internal static partial class MonitorFeedLog
{
    [LoggerMessage(EventId = 2660, Level = LogLevel.Warning, Message = "The prediction streams on Redis cannot be read for monitoring: {Reason}. Monitoring catches up from the consumer group's position once Redis answers")]
    public static partial void Unavailable(ILogger logger, string reason);
}
