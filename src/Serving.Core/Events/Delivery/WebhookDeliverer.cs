using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Serving.Core.Coordination;
using Serving.Core.Events.Outbox;
using Serving.Core.Events.Webhooks;

namespace Serving.Core.Events.Delivery;

/// <summary>
/// Sends what the outbox holds, in the background: each taken delivery is one POST through the webhook client,
/// whose resilience handler retries transient failures (5xx, 408, 429, no answer) with exponential back-off and
/// jitter; the run is cut at the retry horizon, counted from the delivery's first attempt. A 2xx is delivered; any
/// other final answer (3xx, a 4xx other than 408 and 429) is failed at once: the receiver answered and refused, and the
/// same signed body would be refused again, so it waits for a person and a redelivery. Nothing the receivers do
/// reaches the producers: they only ever wrote to the outbox. Across replicas only the leader takes deliveries, and
/// the guard is asked before each one whether another leader finished it meanwhile.
/// </summary>
public sealed class WebhookDeliverer(
    WebhookOutbox outbox,
    WebhookSubscriptionStore subscriptions,
    IHttpClientFactory clients,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDeliverer> logger,
    ILeadership leadership,
    IDeliveryGuard guard) : BackgroundService
{
    /// <summary>The named HttpClient (with its resilience handler) deliveries go through.</summary>
    public const string ClientName = "Serving.Webhooks";

    /// <summary>How often leadership is looked at again while nothing else wakes the deliverer.</summary>
    internal static readonly TimeSpan LeadershipRecheck = TimeSpan.FromMilliseconds(500);

    private readonly WebhookOptions _options = options.Value;
    private readonly HashSet<Task> _running = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Deliveries taken while leading run under the term's token: a replica that stops leading gives back what
        // it holds (it stays pending here, and the new leader sends it) instead of sending on beside the new leader.
        CancellationTokenSource? term = null;
        var terms = new List<CancellationTokenSource>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (leadership.IsLeader)
                {
                    if (term is null)
                    {
                        term = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                        terms.Add(term);
                    }

                    foreach (var work in outbox.TakeDue(_options.MaxInFlightPerSubscription))
                        Track(RunAsync(work, term.Token));
                }
                else if (term is not null)
                {
                    await term.CancelAsync().ConfigureAwait(false);
                    term = null;
                }

                await outbox.WaitForWorkAsync(LeadershipRecheck, stoppingToken).ConfigureAwait(false);
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
        foreach (var ended in terms)
            ended.Dispose();
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

    /// <param name="stoppingToken">Cancelled when the gateway stops or this replica stops leading.</param>
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
        if (await guard.FinishedElsewhereAsync(work.EventId, work.Subscription, stoppingToken).ConfigureAwait(false) is { } elsewhere)
            return (elsewhere, $"{elsewhere} by another replica while this one was not the leader; not sent again");

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
            if (response.IsSuccessStatusCode)
                return (DeliveryState.Delivered, null);

            // The retry hands back its last answer, not an exception, when its token is cancelled after an attempt:
            // a retryable answer here means the run was cut (stopping or the horizon), not that the receiver refused.
            if (HttpClientResiliencePredicates.IsTransient(Outcome.FromResult(response)))
            {
                return stoppingToken.IsCancellationRequested
                    ? (null, null)
                    : (DeliveryState.Failed, $"still failing when the retry horizon ({_options.RetryHorizon}) passed; last attempt: {last ?? "none"}");
            }

            return (DeliveryState.Failed, RefusalReason.For(response));
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
