using Serving.Core.Events;

namespace Serving.Core.Tests.Rollouts;

/// <summary>Keeps every event handed to it, first id wins as the contract says; optionally fails instead, as a broken outbox would.</summary>
internal sealed class RecordingEventPublisher : IGatewayEventPublisher
{
    private readonly List<GatewayEvent> _events = [];

    /// <summary>When set, publishing throws this instead of recording.</summary>
    public Exception? Failure { get; set; }

    public IReadOnlyList<GatewayEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public ValueTask PublishAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken = default)
    {
        if (Failure is { } failure)
        {
            return ValueTask.FromException(failure);
        }

        lock (_events)
        {
            if (_events.All(e => e.Id != gatewayEvent.Id))
            {
                _events.Add(gatewayEvent);
            }
        }

        return ValueTask.CompletedTask;
    }
}
