using Microsoft.Extensions.Logging;

namespace Serving.Core.Events;

/// <summary>Source-generated log messages of the event producers (event ids 1800-1829).</summary>
internal static partial class EventLog
{
    [LoggerMessage(EventId = 1800, Level = LogLevel.Information, Message = "Event {Type} {Id} published")]
    public static partial void Published(ILogger logger, string type, string id);

    [LoggerMessage(EventId = 1801, Level = LogLevel.Error, Message = "Event {Type} {Id} could not be published; it is lost")]
    public static partial void PublishFailed(ILogger logger, string type, string id, Exception exception);
}
