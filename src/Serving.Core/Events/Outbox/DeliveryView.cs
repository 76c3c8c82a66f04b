namespace Serving.Core.Events.Outbox;

/// <summary>One (event, subscription) delivery as the delivery log shows it.</summary>
/// <param name="Attempts">Every attempt so far (including those before a redelivery).</param>
/// <param name="RecentAttempts">The latest attempts, oldest first (at most <see cref="WebhookOutbox.RecentAttemptsKept"/>).</param>
/// <param name="Reason">Why it failed or was cancelled; null while pending or once delivered.</param>
public sealed record DeliveryView(
    string EventId,
    string EventType,
    string SubscriptionId,
    string Url,
    string State,
    int Attempts,
    DateTimeOffset RecordedAt,
    DateTimeOffset UpdatedAt,
    string? Reason,
    IReadOnlyList<DeliveryAttempt> RecentAttempts);
