using Microsoft.Extensions.Logging;

namespace Serving.Core.Events.Outbox.Redis;

/// <summary>Source-generated log messages of the webhook outbox on Redis (event ids 2640-2659).</summary>
internal static partial class RedisOutboxLog
{
    [LoggerMessage(EventId = 2640, Level = LogLevel.Warning, Message = "Redis did not take webhook event {EventId} ({Type}): {Reason}. It is held in {Path} and handed to Redis once Redis answers")]
    public static partial void Buffered(ILogger logger, string eventId, string type, string path, string reason);

    [LoggerMessage(EventId = 2641, Level = LogLevel.Information, Message = "{Count} webhook event(s) held while Redis was away were handed to Redis")]
    public static partial void Flushed(ILogger logger, int count);

    [LoggerMessage(EventId = 2642, Level = LogLevel.Warning, Message = "The webhook outbox on Redis is unavailable: {Reason}. Deliveries already taken go on; new events are held on the disk; retrying")]
    public static partial void Unavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 2643, Level = LogLevel.Information, Message = "Webhook event {EventId} taken over from the shared outbox ({Op}, {Skipped} delivery(ies) already finished by another replica)")]
    public static partial void Imported(ILogger logger, string eventId, string op, int skipped);

    [LoggerMessage(EventId = 2644, Level = LogLevel.Error, Message = "The webhook buffer {Path} could not be written: {Reason}. Event {EventId} is held in memory only until Redis answers")]
    public static partial void BufferWriteFailed(ILogger logger, string path, string eventId, string reason);

    [LoggerMessage(EventId = 2645, Level = LogLevel.Warning, Message = "Redeliver of webhook event {EventId} to '{Subscription}' skipped: {Reason}")]
    public static partial void RedeliverSkipped(ILogger logger, string eventId, string subscription, string reason);

    [LoggerMessage(EventId = 2646, Level = LogLevel.Error, Message = "The webhook outbox relay to Redis stopped unexpectedly; retrying")]
    public static partial void Crashed(ILogger logger, Exception exception);
}
