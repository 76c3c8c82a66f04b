using Microsoft.Extensions.Logging;

namespace Serving.Core.Events.Delivery;

/// <summary>Source-generated log messages of webhook delivery (event ids 2620-2639).</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 2620, Level = LogLevel.Warning, Message = "Webhook {EventId} ({Type}) to subscription {Subscription} failed after {Attempts} attempt(s): {Reason}. Redeliver with `serving webhooks redeliver {EventId}` once the receiver is fixed")]
    public static partial void Failed(ILogger logger, string eventId, string type, string subscription, int attempts, string reason);

    [LoggerMessage(EventId = 2621, Level = LogLevel.Debug, Message = "Webhook {EventId} ({Type}) delivered to subscription {Subscription}")]
    public static partial void Delivered(ILogger logger, string eventId, string type, string subscription);

    [LoggerMessage(EventId = 2622, Level = LogLevel.Information, Message = "Webhook {EventId} to subscription {Subscription} not sent: {Reason}")]
    public static partial void Cancelled(ILogger logger, string eventId, string subscription, string reason);

    [LoggerMessage(EventId = 2623, Level = LogLevel.Error, Message = "Webhook delivery stopped unexpectedly")]
    public static partial void Crashed(ILogger logger, Exception exception);
}
