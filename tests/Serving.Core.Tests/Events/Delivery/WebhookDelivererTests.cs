using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serving.Core.Events;
using Serving.Core.Events.Delivery;
using Serving.Core.Events.Outbox;
using Serving.Core.Events.Signing;
using Serving.Core.Events.Webhooks;

namespace Serving.Core.Tests.Events.Delivery;

/// <summary>Delivery to a real receiver on Kestrel: signing, retries, refusals, the horizon, restarts and redelivery.</summary>
public sealed class WebhookDelivererTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("webhooks-").FullName;
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task An_event_arrives_signed_so_the_verifier_accepts_it_with_the_standard_body()
    {
        await using var harness = await WebhookHarness.StartAsync(_data, receivers: _receiver.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-signed"), TestContext.Current.CancellationToken);

        var received = Assert.Single(await _receiver.WaitForAsync(r => r.Count == 1));
        var verifier = new WebhookVerifier(WebhookSecret.Parse(WebhookHarness.Secret));
        var verdict = verifier.Verify(received.Id, received.Timestamp, received.Signature, received.Body);
        Assert.True(verdict.IsValid, verdict.Message);
        Assert.Equal("evt-signed", received.Id);
        Assert.StartsWith("application/json", received.ContentType, StringComparison.Ordinal);
        var body = JsonNode.Parse(received.Body)!.AsObject();
        Assert.Equal(["type", "timestamp", "data"], body.Select(p => p.Key));
        Assert.Equal("drift.detected", (string?)body["type"]);
        Assert.Equal("2026-06-01T08:00:00.000Z", (string?)body["timestamp"]);
        Assert.Equal("iris", (string?)body["data"]!["model"]);
        var view = Assert.Single(await harness.WaitFinishedAsync("evt-signed"));
        Assert.Equal(DeliveryState.Delivered, view.State);
    }

    [Fact]
    public async Task A_receiver_answering_500_is_retried_with_a_fresh_signature_until_it_answers_200()
    {
        _receiver.Answer = (_, before) => before < 2 ? 500 : 200;
        await using var harness = await WebhookHarness.StartAsync(_data, receivers: _receiver.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-retry"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-retry"));
        Assert.Equal(DeliveryState.Delivered, view.State);
        Assert.Equal(3, view.Attempts);
        Assert.Equal([500, 500, 200], view.RecentAttempts.Select(a => a.StatusCode));
        var received = _receiver.Received;
        Assert.Equal([500, 500, 200], received.Select(r => r.Answered));
        Assert.All(received, r => Assert.Equal("evt-retry", r.Id));
        var verifier = new WebhookVerifier(WebhookSecret.Parse(WebhookHarness.Secret));
        Assert.All(received, r => Assert.True(verifier.Verify(r.Id, r.Timestamp, r.Signature, r.Body).IsValid));
        Assert.Equal(1, harness.Outbox.Outcomes[(GatewayEventTypes.DriftDetected, DeliveryState.Delivered)]);
        Assert.Equal(2, harness.Outbox.AttemptResults[(GatewayEventTypes.DriftDetected, "5xx")]);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(410)]
    public async Task A_4xx_refusal_fails_at_once_without_retries(int status)
    {
        _receiver.Answer = (_, _) => status;
        await using var harness = await WebhookHarness.StartAsync(_data, receivers: _receiver.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-refused"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-refused"));
        Assert.Equal(DeliveryState.Failed, view.State);
        Assert.Equal(1, view.Attempts);
        Assert.Contains($"HTTP {status}", view.Reason, StringComparison.Ordinal);
        Assert.Single(_receiver.Received);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(408)]
    public async Task A_429_or_408_is_retried(int status)
    {
        _receiver.Answer = (_, before) => before == 0 ? status : 204;
        await using var harness = await WebhookHarness.StartAsync(_data, receivers: _receiver.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-busy"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-busy"));
        Assert.Equal(DeliveryState.Delivered, view.State);
        Assert.Equal([status, 204], view.RecentAttempts.Select(a => a.StatusCode));
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_marked_failed_once_the_retry_horizon_passes()
    {
        _receiver.Answer = (_, _) => 503;
        // Two seconds leave room for a second attempt (back-off included) on a loaded machine; 600 ms did not.
        await using var harness = await WebhookHarness.StartAsync(_data, o => o.RetryHorizon = TimeSpan.FromSeconds(2), receivers: _receiver.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-horizon"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-horizon"));
        Assert.Equal(DeliveryState.Failed, view.State);
        Assert.True(view.Attempts >= 2, $"{view.Attempts} attempt(s)");
        Assert.Contains("retry horizon", view.Reason, StringComparison.Ordinal);
        Assert.Contains("HTTP 503", view.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_receiver_times_out_per_attempt_and_is_retried()
    {
        _receiver.Answer = (_, _) => 200;
        _receiver.Delay = TimeSpan.FromSeconds(2);
        await using var harness = await WebhookHarness.StartAsync(_data, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(200), receivers: _receiver.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-slow"), TestContext.Current.CancellationToken);
        await WaitUntilAsync(() => harness.Outbox.Deliveries("evt-slow", null, 1)[0].Attempts >= 2);

        var view = harness.Outbox.Deliveries("evt-slow", null, 1)[0];
        Assert.Equal(DeliveryState.Pending, view.State);
        Assert.Null(view.RecentAttempts[0].StatusCode);
        Assert.Contains("no answer within", view.RecentAttempts[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_never_waits_on_a_receiver_that_is_down()
    {
        var down = _receiver.Url;
        await _receiver.StopAsync();
        await using var harness = await WebhookHarness.StartAsync(_data, receivers: down);

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
            await harness.Publisher.PublishAsync(WebhookHarness.Event($"evt-down-{i}"), TestContext.Current.CancellationToken);
        watch.Stop();

        // Twenty fsync'd appends; a network wait (connect retries with back-off) would take far longer than this bound.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"publishing took {watch.Elapsed}");
        Assert.Equal(20, harness.Outbox.Depth);
        await WaitUntilAsync(() => harness.Outbox.Deliveries("evt-down-0", null, 1)[0].Attempts >= 1);
        Assert.NotNull(harness.Outbox.Deliveries("evt-down-0", null, 1)[0].RecentAttempts[0].Error);
    }

    [Fact]
    public async Task Pending_events_are_delivered_exactly_once_after_a_restart_and_delivered_ones_are_not_sent_again()
    {
        await using (var first = await WebhookHarness.StartAsync(_data, receivers: _receiver.Url))
        {
            await first.Publisher.PublishAsync(WebhookHarness.Event("evt-before"), TestContext.Current.CancellationToken);
            await first.WaitFinishedAsync("evt-before");
        }

        // Recorded but never sent: the gateway died before its deliverer ran.
        var notStarted = await WebhookHarness.StartAsync(_data, start: false, receivers: _receiver.Url);
        await notStarted.Publisher.PublishAsync(WebhookHarness.Event("evt-pending"), TestContext.Current.CancellationToken);
        await notStarted.DisposeAsync();
        Assert.Single(_receiver.Received);

        await using var second = await WebhookHarness.StartAsync(_data, receivers: _receiver.Url);
        await second.WaitFinishedAsync("evt-pending");
        await Task.Delay(300, TestContext.Current.CancellationToken); // room for a wrong resend to show

        Assert.Equal(["evt-before", "evt-pending"], _receiver.Received.Select(r => r.Id));
        Assert.Equal(0, second.Outbox.Depth);
    }

    [Fact]
    public async Task A_shutdown_landing_while_a_retryable_answer_is_in_hand_leaves_the_delivery_pending_for_the_next_start()
    {
        // The retry hands back its last answer instead of throwing when it is cancelled between an attempt and the
        // next: here the stop lands right after the receiver's 503 reached the client, the race a restart can hit.
        _receiver.Answer = (_, _) => 503;
        WebhookHarness? first = null;
        Task? stopping = null;
        first = await WebhookHarness.StartAsync(
            _data,
            wire: s => s.AddHttpClient(WebhookDeliverer.ClientName).AddHttpMessageHandler(() => new AfterAnswer(() => stopping ??= first!.StopDelivererAsync())),
            receivers: _receiver.Url);
        await using (first)
        {
            await first.Publisher.PublishAsync(WebhookHarness.Event("evt-cut"), TestContext.Current.CancellationToken);
            await _receiver.WaitForAsync(r => r.Count == 1);
            while (stopping is null)
                await Task.Delay(10, TestContext.Current.CancellationToken);
            await stopping;

            var delivery = Assert.Single(first.Outbox.Deliveries("evt-cut", null, 10));
            Assert.Equal(DeliveryState.Pending, delivery.State);
            Assert.Null(delivery.Reason);
        }

        _receiver.Answer = (_, _) => 200;
        await using var second = await WebhookHarness.StartAsync(_data, receivers: _receiver.Url);
        var delivered = Assert.Single(await second.WaitFinishedAsync("evt-cut"));
        Assert.Equal(DeliveryState.Delivered, delivered.State);
        Assert.Equal([503, 200], _receiver.Received.Select(r => r.Answered));
    }

    /// <summary>Innermost in the webhook client: runs <paramref name="then"/> once an answer is in hand, before handing it up.</summary>
    private sealed class AfterAnswer(Action then) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            then();
            return response;
        }
    }

    [Fact]
    public async Task Redelivery_sends_a_delivered_event_again_and_to_a_subscription_added_later()
    {
        await using var harness = await WebhookHarness.StartAsync(_data, receivers: _receiver.Url);
        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-again"), TestContext.Current.CancellationToken);
        await harness.WaitFinishedAsync("evt-again");
        await using var later = await WebhookReceiver.StartAsync();
        var added = harness.Subscriptions.Create(later.Url.ToString(), null, null);

        Assert.NotNull(harness.Outbox.Redeliver("evt-again", null));
        await _receiver.WaitForAsync(r => r.Count == 2);
        Assert.NotNull(harness.Outbox.Redeliver("evt-again", added.Id));
        var atLater = Assert.Single(await later.WaitForAsync(r => r.Count == 1));

        Assert.Equal("evt-again", atLater.Id);
        Assert.True(new WebhookVerifier(added.Secret).Verify(atLater.Id, atLater.Timestamp, atLater.Signature, atLater.Body).IsValid);
        var views = await harness.WaitFinishedAsync("evt-again");
        Assert.All(views, v => Assert.Equal(DeliveryState.Delivered, v.State));
        Assert.Equal(2, views.Single(v => v.SubscriptionId != added.Id).Attempts);
        Assert.Null(harness.Outbox.Redeliver("no-such-event", null));
        Assert.Throws<WebhookSubscriptionException>(() => harness.Outbox.Redeliver("evt-again", "wh_nope"));
    }

    [Fact]
    public async Task A_deleted_subscriptions_pending_deliveries_are_cancelled_not_sent()
    {
        await using var harness = await WebhookHarness.StartAsync(_data, start: false);
        var subscription = harness.Subscriptions.Create(_receiver.Url.ToString(), null, [GatewayEventTypes.RolloutPromoted]);
        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-cancel", GatewayEventTypes.RolloutPromoted), TestContext.Current.CancellationToken);
        Assert.True(harness.Subscriptions.Delete(subscription.Id));

        await harness.StartDelivererAsync();

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-cancel"));
        Assert.Equal(DeliveryState.Cancelled, view.State);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task One_subscription_gets_only_the_event_types_it_names()
    {
        await using var harness = await WebhookHarness.StartAsync(_data);
        harness.Subscriptions.Create(_receiver.Url.ToString(), WebhookHarness.Secret, [GatewayEventTypes.VersionPublished]);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-drift"), TestContext.Current.CancellationToken);
        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-version", GatewayEventTypes.VersionPublished), TestContext.Current.CancellationToken);

        await harness.WaitFinishedAsync("evt-version");
        Assert.Empty(harness.Outbox.Deliveries("evt-drift", null, 10));
        Assert.Equal(["evt-version"], _receiver.Received.Select(r => r.Id));
        Assert.Equal("version.published", (string?)JsonNode.Parse(Encoding.UTF8.GetString(_receiver.Received[0].Body))!["type"]);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the condition did not hold within 20 s");
            await Task.Delay(20);
        }
    }
}
