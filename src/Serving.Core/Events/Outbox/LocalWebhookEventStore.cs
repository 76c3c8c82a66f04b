namespace Serving.Core.Events.Outbox;

/// <summary>The embedded form of <see cref="IWebhookEventStore"/>: this process's outbox on the disk.</summary>
public sealed class LocalWebhookEventStore(WebhookOutbox outbox) : IWebhookEventStore
{
    public ValueTask<OutboxAppend> AppendAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken) =>
        ValueTask.FromResult(outbox.Append(gatewayEvent));

    public ValueTask<IReadOnlyList<DeliveryView>> DeliveriesAsync(string? eventId, string? subscription, int limit, CancellationToken cancellationToken) =>
        ValueTask.FromResult(outbox.Deliveries(eventId, subscription, limit));

    public ValueTask<IReadOnlyList<DeliveryView>?> RedeliverAsync(string eventId, string? subscription, CancellationToken cancellationToken) =>
        ValueTask.FromResult(outbox.Redeliver(eventId, subscription));
}
