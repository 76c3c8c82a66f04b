namespace Serving.Core.Events.Outbox;

/// <summary>An event as the outbox holds it: the exact body to send and one delivery per target subscription.</summary>
internal sealed class OutboxEvent(string id, string type, DateTimeOffset timestamp, string body, DateTimeOffset recordedAt)
{
    public string Id { get; } = id;
    public string Type { get; } = type;
    public DateTimeOffset Timestamp { get; } = timestamp;
    public string Body { get; } = body;
    public DateTimeOffset RecordedAt { get; } = recordedAt;
    public List<OutboxDelivery> Deliveries { get; } = [];

    public bool Finished => Deliveries.TrueForAll(d => DeliveryState.IsFinished(d.State) && !d.InFlight);

    public DateTimeOffset LastChange => Deliveries.Count == 0 ? RecordedAt : Deliveries.Max(d => d.UpdatedAt);

    public OutboxDelivery? Delivery(string subscription) => Deliveries.Find(d => d.Subscription == subscription);
}

/// <summary>One event's delivery to one subscription: state, attempts and whether the deliverer has it now.</summary>
internal sealed class OutboxDelivery(OutboxEvent owner, string subscription, string url, DateTimeOffset since)
{
    public OutboxEvent Event { get; } = owner;
    public string Subscription { get; } = subscription;
    public string Url { get; set; } = url;
    public string State { get; set; } = DeliveryState.Pending;
    public string? Reason { get; set; }
    public int AttemptCount { get; set; }
    public List<DeliveryAttempt> RecentAttempts { get; } = [];

    /// <summary>The first attempt since the event was recorded or last redelivered: the retry horizon counts from here.</summary>
    public DateTimeOffset? FirstAttemptAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = since;

    /// <summary>Taken by the deliverer (not persisted: after a restart every pending delivery is free again).</summary>
    public bool InFlight { get; set; }

    public void Add(DeliveryAttempt attempt)
    {
        AttemptCount++;
        FirstAttemptAt ??= attempt.At;
        UpdatedAt = attempt.At;
        RecentAttempts.Add(attempt);
        if (RecentAttempts.Count > WebhookOutbox.RecentAttemptsKept)
            RecentAttempts.RemoveAt(0);
    }

    public DeliveryView View() => new(Event.Id, Event.Type, Subscription, Url, State, AttemptCount, Event.RecordedAt, UpdatedAt, Reason, [.. RecentAttempts]);
}
