using Serving.Core.Events;

namespace Serving.Core.Tests.Support;

/// <summary>An event publisher that keeps what it is handed, ignoring an id it already holds (as the contract says).</summary>
internal sealed class RecordingEventPublisher : IGatewayEventPublisher
{
    private readonly Lock _lock = new();
    private readonly List<GatewayEvent> _events = [];

    /// <summary>Every event recorded so far, in the order published.</summary>
    public IReadOnlyList<GatewayEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The recorded events of one type.</summary>
    public IReadOnlyList<GatewayEvent> OfType(string type) => [.. Events.Where(e => e.Type == type)];

    public ValueTask PublishAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_events.Exists(e => e.Id == gatewayEvent.Id))
            {
                _events.Add(gatewayEvent);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Waits (real time, up to <paramref name="timeout"/>) until at least <paramref name="count"/> events are recorded.</summary>
    public async Task<IReadOnlyList<GatewayEvent>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Events.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        return Events;
    }
}
