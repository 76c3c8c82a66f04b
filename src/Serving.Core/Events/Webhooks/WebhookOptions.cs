using System.Globalization;
using Serving.Core.Events.Signing;

namespace Serving.Core.Events.Webhooks;

/// <summary>Webhook delivery (<c>Serving:Webhooks</c>): subscriptions from configuration and how hard delivery tries.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Serving:Webhooks";

    /// <summary>Receivers configured by the operator; more can be added through the admin API.</summary>
    public List<WebhookSubscriptionOptions> Subscriptions { get; set; } = [];

    /// <summary>How long after its first attempt a delivery is retried before it is marked failed (Standard Webhooks senders try for about a day).</summary>
    public TimeSpan RetryHorizon { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long one attempt may take (connect, send, answer) before it counts as failed and is retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The back-off's base: the first retry waits about this long; each later one about twice the last, with jitter.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Requests in flight to all receivers together.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 16;

    /// <summary>Deliveries one subscription works on at once, so one dead receiver cannot take every slot.</summary>
    public int MaxInFlightPerSubscription { get; set; } = 4;

    /// <summary>How long finished deliveries stay in the delivery log (and duplicate ids are recognised) before compaction drops them.</summary>
    public TimeSpan DeliveryLogRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The most finished events the delivery log keeps, whatever their age.</summary>
    public int MaxRetainedEvents { get; set; } = 10_000;

    /// <summary>Every problem, each naming its full key.</summary>
    public IEnumerable<string> Validate()
    {
        var urls = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Subscriptions.Count; i++)
        {
            var key = $"{SectionName}:Subscriptions:{i.ToString(CultureInfo.InvariantCulture)}";
            var subscription = Subscriptions[i];
            if (WebhookUrls.Problem(subscription.Url) is { } urlProblem)
                yield return $"{key}:Url {urlProblem}";
            else if (!urls.Add(subscription.Url!.Trim()))
                yield return $"{key}:Url '{subscription.Url}' is listed twice; list a receiver once, with every event type it wants";

            if (string.IsNullOrWhiteSpace(subscription.Secret))
                yield return $"{key}:Secret is required: a whsec_ secret the receiver verifies signatures with (generate one with `openssl rand -base64 32` and prefix whsec_)";
            else if (!WebhookSecret.TryParse(subscription.Secret, out _, out var secretProblem))
                yield return $"{key}:Secret is not valid: {secretProblem}";

            for (var j = 0; j < subscription.Events.Count; j++)
            {
                // A JSON null or an empty value binds as null or "": refused like an unknown type, but said plainly.
                var eventKey = $"{key}:Events:{j.ToString(CultureInfo.InvariantCulture)}";
                if (string.IsNullOrEmpty(subscription.Events[j]))
                    yield return $"{eventKey} is empty; each entry is an event type, one of: {string.Join(", ", GatewayEventTypes.All)}";
                else if (!GatewayEventTypes.IsKnown(subscription.Events[j]))
                    yield return $"{eventKey} '{subscription.Events[j]}' is not an event type; known: {string.Join(", ", GatewayEventTypes.All)}";
            }
        }

        // A timer cannot wait longer than about 49 days; a horizon of weeks is already far past any use.
        if (RetryHorizon <= TimeSpan.Zero || RetryHorizon > TimeSpan.FromDays(30))
            yield return $"{SectionName}:RetryHorizon must be more than 0 and at most 30.00:00:00 (a time span such as 1.00:00:00 for a day); it is {RetryHorizon}";
        if (AttemptTimeout <= TimeSpan.Zero || AttemptTimeout > TimeSpan.FromHours(1))
            yield return $"{SectionName}:AttemptTimeout must be more than 0 and at most 01:00:00; it is {AttemptTimeout}";
        if (FirstRetryDelay <= TimeSpan.Zero)
            yield return $"{SectionName}:FirstRetryDelay must be positive; it is {FirstRetryDelay}";
        if (MaxRetryDelay < FirstRetryDelay || MaxRetryDelay > TimeSpan.FromDays(1))
            yield return $"{SectionName}:MaxRetryDelay must be at least FirstRetryDelay and at most 1.00:00:00; it is {MaxRetryDelay}";
        if (MaxConcurrentDeliveries is < 1 or > 1024)
            yield return $"{SectionName}:MaxConcurrentDeliveries must be 1 to 1024; it is {MaxConcurrentDeliveries}";
        if (MaxInFlightPerSubscription is < 1 or > 1024)
            yield return $"{SectionName}:MaxInFlightPerSubscription must be 1 to 1024; it is {MaxInFlightPerSubscription}";
        if (DeliveryLogRetention < TimeSpan.Zero)
            yield return $"{SectionName}:DeliveryLogRetention cannot be negative; it is {DeliveryLogRetention}";
        if (MaxRetainedEvents < 0)
            yield return $"{SectionName}:MaxRetainedEvents cannot be negative; it is {MaxRetainedEvents}";
    }
}

/// <summary>One configured receiver (<c>Serving:Webhooks:Subscriptions:&lt;i&gt;</c>).</summary>
public sealed class WebhookSubscriptionOptions
{
    /// <summary>Where events are POSTed (http or https).</summary>
    public string? Url { get; set; }

    /// <summary>The <c>whsec_</c> secret both sides share.</summary>
    public string? Secret { get; set; }

    /// <summary>Event types to send; none means every type.</summary>
    public List<string> Events { get; set; } = [];
}
