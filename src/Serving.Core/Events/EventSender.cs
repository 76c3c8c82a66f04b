using Microsoft.Extensions.Logging;

namespace Serving.Core.Events;

/// <summary>
/// Hands a producer's events to the <see cref="IGatewayEventPublisher"/> one after another, in the order sent, without
/// the producer waiting: producers raise events from synchronous places (a drift window closing on the monitor's
/// worker), and an event must neither hold them up nor fail them. <see cref="FlushAsync"/> waits for what was sent.
/// </summary>
public sealed class EventSender(IGatewayEventPublisher publisher, ILogger logger)
{
    private readonly Lock _lock = new();
    private Task _tail = Task.CompletedTask;

    /// <summary>Queues the event behind those sent before it; returns at once.</summary>
    public void Send(GatewayEvent gatewayEvent)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        lock (_lock)
        {
            _tail = PublishAfterAsync(_tail, gatewayEvent);
        }
    }

    /// <summary>Completes once every event sent so far has been handed over (or failed and been logged).</summary>
    public Task FlushAsync()
    {
        lock (_lock)
        {
            return _tail;
        }
    }

    private async Task PublishAfterAsync(Task previous, GatewayEvent gatewayEvent)
    {
        // Off the sender's thread at once: an outbox write never runs inside the producer's lock or loop.
        await previous.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        try
        {
            await publisher.PublishAsync(gatewayEvent).ConfigureAwait(false);
            EventLog.Published(logger, gatewayEvent.Type, gatewayEvent.Id);
        }
        catch (Exception ex)
        {
            // The publisher only fails when it cannot record the event at all (its disk); the producer goes on.
            EventLog.PublishFailed(logger, gatewayEvent.Type, gatewayEvent.Id, ex);
        }
    }
}
