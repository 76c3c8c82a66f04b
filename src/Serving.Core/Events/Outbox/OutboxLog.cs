using Microsoft.Extensions.Logging;

namespace Serving.Core.Events.Outbox;

/// <summary>Source-generated log messages of the webhook outbox (event ids 2600-2619).</summary>
internal static partial class OutboxLog
{
    [LoggerMessage(EventId = 2600, Level = LogLevel.Warning, Message = "The webhook outbox {Path} had {Count} unreadable line(s), the torn end of a write cut short by a crash; they were dropped (an event whose line was torn had not been acknowledged to its producer)")]
    public static partial void UnreadableLines(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Webhook outbox {Path}: {Events} event(s) kept, {Pending} delivery(ies) pending")]
    public static partial void Loaded(ILogger logger, string path, int events, int pending);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Error, Message = "The webhook outbox {Path} could not be written: {Reason}. Event {EventId} ({Type}) is held in memory only and is lost if the gateway stops before it is delivered; check the data directory (Serving:DataPath)")]
    public static partial void WriteFailed(ILogger logger, string path, string eventId, string type, string reason);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Warning, Message = "The webhook outbox {Path} could not record a delivery's progress: {Reason}; it may be sent again after a restart")]
    public static partial void ProgressNotSaved(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 2605, Level = LogLevel.Warning, Message = "The webhook outbox {Path} was deleted or moved away while open; it is written anew from memory ({Events} event(s)), so pending deliveries survive a restart")]
    public static partial void JournalLost(ILogger logger, string path, int events);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Debug, Message = "Webhook outbox compacted: {Kept} event(s) kept, {Dropped} finished event(s) dropped")]
    public static partial void Compacted(ILogger logger, int kept, int dropped);
}
