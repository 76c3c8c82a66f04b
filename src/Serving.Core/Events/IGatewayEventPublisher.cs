namespace Serving.Core.Events;

/// <summary>
/// Where producers (drift, performance, rollouts, schedules, the retrainer's reports) hand events. When the returned
/// task completes the event is durable (written to the outbox), so a crash after it loses nothing; delivery happens
/// later and elsewhere. It never waits on a receiver and never throws for a receiver's failure, so a producer on the
/// monitoring or rollout path is never slowed or failed by webhooks.
/// </summary>
public interface IGatewayEventPublisher
{
    /// <summary>Records the event for delivery; publishing an id already recorded does nothing (the first one wins).</summary>
    ValueTask PublishAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken = default);
}
