using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Events.Outbox;
using Serving.Core.Events.Webhooks;

namespace Serving.Core.Events.Delivery;

/// <summary>
/// Sends what the outbox holds, in the background: each taken delivery is one POST through the webhook client,
/// whose resilience handler retries transient failures (5xx, 408, 429, no answer) with exponential back-off and
/// jitter; the run is cut at the retry horizon, counted from the delivery's first attempt. A 2xx is delivered; any
/// other final answer (3xx, a 4xx other than 408 and 429) is failed at once: the receiver answered and refused, and the
/// same signed body would be refused again, so it waits for a person and a redelivery. Nothing the receivers do
/// reaches the producers: they only ever wrote to the outbox.
/// </summary>
public sealed class WebhookDeliverer(
    WebhookOutbox outbox,
    WebhookSubscriptionStore subscriptions,
    IHttpClientFactory clients,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDeliverer> logger) : BackgroundService
{
    /// <summary>The named HttpClient (with its resilience handler) deliveries go through.</summary>
    public const string ClientName = "Serving.Webhooks";

    private readonly WebhookOptions _options = options.Value;
    private readonly HashSet<Task> _running = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                foreach (var work in outbox.TakeDue(_options.MaxInFlightPerSubscription))
                    Track(RunAsync(work, stoppingToken));
                await outbox.WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: deliveries in hand see the same token and give theirs back.
        }

        Task[] left;
        lock (_running)
            left = [.. _running];
        await Task.WhenAll(left).ConfigureAwait(false);
    }

    private void Track(Task task)
    {
        lock (_running)
            _running.Add(task);
        _ = task.ContinueWith(t =>
        {
            lock (_running)
                _running.Remove(t);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunAsync(OutboxWork work, CancellationToken stoppingToken)
    {
        await Task.Yield(); // never run a delivery on the taking loop's thread
        try
        {
            var (state, reason) = await DeliverAsync(work, stoppingToken).ConfigureAwait(false);
            if (state is null)
            {
                outbox.Release(work.EventId, work.Subscription);
                return;
            }

            outbox.Finish(work.EventId, work.Subscription, state, reason);
            var attempts = outbox.Deliveries(work.EventId, work.Subscription, 1).FirstOrDefault()?.Attempts ?? 0;
            switch (state)
            {
                case DeliveryState.Delivered:
                    DeliveryLog.Delivered(logger, work.EventId, work.EventType, work.Subscription);
                    break;
                case DeliveryState.Failed:
                    DeliveryLog.Failed(logger, work.EventId, work.EventType, work.Subscription, attempts, reason ?? "unknown");
                    break;
                default:
                    DeliveryLog.Cancelled(logger, work.EventId, work.Subscription, reason ?? "unknown");
                    break;
            }
        }
        catch (Exception ex)
        {
            // A bug here must not end delivery for everyone: give the delivery back and say so.
            DeliveryLog.Crashed(logger, ex);
            outbox.Release(work.EventId, work.Subscription);
        }
    }

    /// <summary>The finished state and reason, or a null state when the gateway is stopping (the delivery stays pending).</summary>
    private async Task<(string? State, string? Reason)> DeliverAsync(OutboxWork work, CancellationToken stoppingToken)
    {
        if (subscriptions.Find(work.Subscription) is not { } subscription)
            return (DeliveryState.Cancelled, "the subscription was deleted or is no longer configured");

        var now = time.GetUtcNow();
        var giveUpAt = (work.FirstAttemptAt ?? now) + _options.RetryHorizon;
        if (giveUpAt <= now)
            return (DeliveryState.Failed, $"the retry horizon ({_options.RetryHorizon}) had passed");

        using var horizon = new CancellationTokenSource(giveUpAt - now, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(horizon.Token, stoppingToken);
        string? last = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new ByteArrayContent(work.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        request.Options.Set(WebhookSend.Key, new WebhookSend(work.EventId, subscription.Secret, work.Body, attempt =>
        {
            last = attempt.StatusCode is { } code ? $"HTTP {code}" : attempt.Error;
            outbox.RecordAttempt(work.EventId, work.Subscription, attempt);
        }));

        try
        {
            using var client = clients.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? (DeliveryState.Delivered, null)
                : (DeliveryState.Failed, $"the receiver answered HTTP {status}, which is not retried (only 5xx, 408, 429 and no answer are)");
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            return (null, null);
        }
        catch (Exception) when (horizon.IsCancellationRequested)
        {
            return (DeliveryState.Failed, $"still failing when the retry horizon ({_options.RetryHorizon}) passed; last attempt: {last ?? "none"}");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or Polly.Timeout.TimeoutRejectedException)
        {
            return (DeliveryState.Failed, $"{ex.Message}; last attempt: {last ?? "none"}");
        }
    }
}
