namespace Serving.Gateway.Rest.Admin;

/// <summary>Admin API log messages. None of them takes a key or a header value.</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Admin request {Method} {Path} refused: {Why}")]
    public static partial void Refused(ILogger logger, string method, string path, string why);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Admin {Action} on model {Model} by {Actor}")]
    public static partial void Acted(ILogger logger, string action, string model, string actor);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Admin {Action} of version {Version} of model {Model} by {Actor}")]
    public static partial void VersionActed(ILogger logger, string action, int version, string model, string actor);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "Admin {Action} webhook subscription {Id} by {Actor}")]
    public static partial void WebhookActed(ILogger logger, string action, string id, string actor);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Admin published {Type} event {Id} by {Actor} (new: {Recorded})")]
    public static partial void EventPublished(ILogger logger, string type, string id, string actor, bool recorded);
}
