using Microsoft.Extensions.Logging;

namespace Serving.Cli.Retraining;

/// <summary>Source-generated log messages of the retrainer (event ids 5000-5099).</summary>
internal static partial class RetrainerLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Retrainer listening on {Urls}; jobs for {Models}")]
    public static partial void Listening(ILogger logger, string urls, string models);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Run {RunId} for {Model} started by {EventType} {EventId}")]
    public static partial void RunStarted(ILogger logger, string runId, string model, string eventType, string eventId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Run {RunId} for {Model}: {Stage} {Detail}")]
    public static partial void Stage(ILogger logger, string runId, string model, string stage, string detail);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Run {RunId} published {Model} version {Version} (parent {Parent}; {Metric} {Candidate:F4} against {Stable:F4})")]
    public static partial void Published(ILogger logger, string runId, string model, int version, int? parent, string metric, double candidate, double? stable);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Run {RunId} for {Model} refused by the gate: {Reason}")]
    public static partial void Refused(ILogger logger, string runId, string model, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "Run {RunId} for {Model} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string runId, string model, string reason, Exception? exception);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "{EventType} {EventId} for {Model} came while run {RunId} was going; recorded on it, no second run")]
    public static partial void Coalesced(ILogger logger, string eventType, string? eventId, string model, string runId);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Webhook refused ({Failure}): {Reason}")]
    public static partial void WebhookRefused(ILogger logger, string failure, string reason);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "Webhook {EventId} was already received; not run again")]
    public static partial void WebhookReplayed(ILogger logger, string eventId);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "Webhook {EventId} ({EventType}) ignored: {Reason}")]
    public static partial void WebhookIgnored(ILogger logger, string eventId, string eventType, string reason);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Could not ask the gateway which version of {Model} is stable ({Reason}); the newest version in the registry is taken as stable")]
    public static partial void StableUnknown(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Reported {EventType} {EventId} to the gateway")]
    public static partial void Reported(ILogger logger, string eventType, string eventId);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "Could not report {EventType} {EventId} to the gateway ({Reason}); the run's result stands and is on GET /runs")]
    public static partial void ReportFailed(ILogger logger, string eventType, string eventId, string reason);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Information, Message = "No gateway configured (--gateway): {EventType} {EventId} is not reported")]
    public static partial void ReportSkipped(ILogger logger, string eventType, string eventId);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Warning, Message = "Could not ask the gateway which version of {Model} is stable; {EventType} for version {Version} is taken as it always was, without checking it names stable")]
    public static partial void StableCheckSkipped(ILogger logger, string eventType, string model, int version);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Warning, Message = "Webhook {EventId} could not be handled ({Error}); its id is forgotten, so a redelivery is handled afresh")]
    public static partial void WebhookAbandoned(ILogger logger, string eventId, string error);
}
