using Serving.Core.Events.Outbox;
using Serving.Core.Events.Signing;

namespace Serving.Core.Events.Delivery;

/// <summary>
/// What the per-attempt handler needs to sign and record each attempt of one delivery, carried in the request's
/// options: the resilience handler resends the same request, and every attempt gets a fresh timestamp and signature
/// (a retry an hour later must still be within the receiver's five-minute tolerance).
/// </summary>
internal sealed record WebhookSend(string EventId, WebhookSecret Secret, byte[] Body, Action<DeliveryAttempt> Record)
{
    public static readonly HttpRequestOptionsKey<WebhookSend> Key = new("Serving.Webhooks.Send");
}
