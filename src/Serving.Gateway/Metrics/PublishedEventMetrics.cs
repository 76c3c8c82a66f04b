using Prometheus;
using Serving.Core.Events;

namespace Serving.Gateway.Metrics;

/// <summary>
/// <c>serving_events_published_total{type}</c>: events the gateway's own producers (drift episodes, performance
/// episodes, retraining schedules) handed to the event publisher. Producers publish through <see cref="Counting"/>.
/// </summary>
internal sealed class PublishedEventMetrics
{
    private readonly Counter _published;

    public PublishedEventMetrics(GatewayMetricsRegistry metrics)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        _published = factory.CreateCounter("serving_events_published_total", "Events the gateway's producers published (handed to the outbox), by event type.", ["type"]);
        foreach (var type in GatewayEventTypes.All)
        {
            // Every type from the start, at zero, so rate() and alerts see the series before the first event.
            _published.WithLabels(type);
        }
    }

    /// <summary><paramref name="inner"/>, counting each event it took.</summary>
    public IGatewayEventPublisher Counting(IGatewayEventPublisher inner) => new CountingPublisher(inner, _published);

    private sealed class CountingPublisher(IGatewayEventPublisher inner, Counter published) : IGatewayEventPublisher
    {
        public async ValueTask PublishAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken = default)
        {
            await inner.PublishAsync(gatewayEvent, cancellationToken);
            published.WithLabels(gatewayEvent.Type).Inc();
        }
    }
}
