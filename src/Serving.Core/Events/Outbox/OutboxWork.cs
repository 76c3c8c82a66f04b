namespace Serving.Core.Events.Outbox;

/// <summary>A delivery the deliverer has taken: what to send, to which subscription, and since when it has been tried.</summary>
public sealed record OutboxWork(string EventId, string EventType, byte[] Body, string Subscription, DateTimeOffset? FirstAttemptAt);
