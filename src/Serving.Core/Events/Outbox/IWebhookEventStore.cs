namespace Serving.Core.Events.Outbox;

/// <summary>
/// What the admin API does with webhook events: publish one from outside, read the delivery log, redeliver. The
/// embedded gateway answers from its own outbox (<see cref="LocalWebhookEventStore"/>); with Redis every replica
/// answers from Redis, so the log is the same whichever replica is asked and a redelivery reaches the leader.
/// </summary>
public interface IWebhookEventStore
{
    /// <summary>Records the event unless its id is known (see <see cref="WebhookOutbox.Append(GatewayEvent)"/>).</summary>
    ValueTask<OutboxAppend> AppendAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken);

    /// <summary>The delivery log, newest event first. Throws <see cref="IOException"/> when the store cannot be read.</summary>
    ValueTask<IReadOnlyList<DeliveryView>> DeliveriesAsync(string? eventId, string? subscription, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the event's deliveries (or the one to <paramref name="subscription"/>) pending again; null for an unknown
    /// event. Throws <see cref="Webhooks.WebhookSubscriptionException"/> for an unknown subscription and
    /// <see cref="IOException"/> when the redelivery cannot be recorded.
    /// </summary>
    ValueTask<IReadOnlyList<DeliveryView>?> RedeliverAsync(string eventId, string? subscription, CancellationToken cancellationToken);
}
