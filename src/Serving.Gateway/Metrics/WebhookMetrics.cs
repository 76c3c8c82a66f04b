using Prometheus;
using Serving.Core.Events;
using Serving.Core.Events.Outbox;

namespace Serving.Gateway.Metrics;

/// <summary>Webhook delivery: outcomes, attempts, outbox depth and the age of the oldest undelivered event; read at scrape time.</summary>
internal static class WebhookMetrics
{
    public static void Register(IServiceProvider services)
    {
        var registry = services.GetRequiredService<GatewayMetricsRegistry>().Registry;
        var time = services.GetRequiredService<TimeProvider>();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var deliveries = factory.CreateCounter(
            "serving_webhook_deliveries_total",
            "Finished webhook deliveries (one per event and subscription) by event type and outcome: delivered, failed (retry horizon passed or refused by the receiver), cancelled (subscription deleted).",
            new CounterConfiguration { LabelNames = ["type", "outcome"] });
        var attempts = factory.CreateCounter(
            "serving_webhook_delivery_attempts_total",
            "Webhook send attempts by event type and result: the receiver's status class (2xx to 5xx) or error (no answer, refused, timed out).",
            new CounterConfiguration { LabelNames = ["type", "result"] });
        var depth = factory.CreateGauge(
            "serving_webhook_outbox_depth",
            "Webhook deliveries not yet delivered, failed or cancelled.");
        var oldest = factory.CreateGauge(
            "serving_webhook_oldest_undelivered_age_seconds",
            "Age of the oldest event with a pending delivery, from when it was recorded; 0 when nothing is pending.");

        // Every series exists from the first scrape at 0, so rate() and alerts see the first delivery of each kind.
        foreach (var type in GatewayEventTypes.All)
        {
            foreach (var outcome in (string[])[DeliveryState.Delivered, DeliveryState.Failed, DeliveryState.Cancelled])
                deliveries.WithLabels(type, outcome);
            foreach (var result in (string[])["2xx", "3xx", "4xx", "5xx", "error"])
                attempts.WithLabels(type, result);
        }

        registry.AddBeforeCollectCallback(() =>
        {
            // Resolved at scrape time, after start-up validated the settings the outbox is built from.
            var outbox = services.GetRequiredService<WebhookOutbox>();
            foreach (var ((type, outcome), count) in outbox.Outcomes)
                deliveries.WithLabels(type, outcome).IncTo(count);
            foreach (var ((type, result), count) in outbox.AttemptResults)
                attempts.WithLabels(type, result).IncTo(count);
            depth.Set(outbox.Depth);
            oldest.Set(outbox.OldestPendingRecordedAt is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : 0);
        });
    }
}
