using Serving.Core.Events.Outbox;
using Serving.Core.Events.Outbox.Redis;
using Serving.Core.Tests.Events.Delivery;
using StackExchange.Redis;

namespace Serving.Core.Tests.Events.Outbox.Redis;

/// <summary>
/// The webhook outbox shared through a real redis-server by two replicas of the webhook wiring (each with its own
/// data directory and connection), of which the test makes one the leader: one event gives one delivery whichever
/// replica saw it, a new leader finishes what the old one left, an outage holds events on the disk, and the delivery
/// log and redelivery work from any replica.
/// </summary>
public sealed class RedisWebhookOutboxTests : IAsyncLifetime
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);
    private RedisServer _redis = null!;
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task One_event_seen_by_two_replicas_is_delivered_once_by_the_leader()
    {
        await using var leader = await RedisWebhookReplica.StartAsync(_redis.Configuration, leader: true, _receiver.Url);
        await using var follower = await RedisWebhookReplica.StartAsync(_redis.Configuration, leader: false, _receiver.Url);

        // The same version.published, seen by both replicas of a shared registry: the follower first.
        Assert.Equal(OutboxAppend.Recorded, await follower.Store.AppendAsync(WebhookHarness.Event("evt-shared"), TestContext.Current.CancellationToken));
        Assert.Equal(OutboxAppend.Duplicate, await leader.Store.AppendAsync(WebhookHarness.Event("evt-shared"), TestContext.Current.CancellationToken));

        await _receiver.WaitForAsync(r => r.Count >= 1);
        await Task.Delay(Quiet, TestContext.Current.CancellationToken);
        var received = Assert.Single(_receiver.Received);
        Assert.Equal("evt-shared", received.Id);
        Assert.Empty(follower.LocalOutbox.Deliveries(null, null, 100));
        var view = Assert.Single(await WaitSettledAsync(follower.Store, "evt-shared"));
        Assert.Equal(DeliveryState.Delivered, view.State);
        Assert.Equal(1, view.Attempts);
    }

    [Fact]
    public async Task A_new_leader_delivers_what_the_old_leader_left_pending_and_not_what_it_delivered()
    {
        var oldLeader = await RedisWebhookReplica.StartAsync(_redis.Configuration, leader: true, _receiver.Url);
        await using var next = await RedisWebhookReplica.StartAsync(_redis.Configuration, leader: false, _receiver.Url);
        await next.Publisher.PublishAsync(WebhookHarness.Event("evt-done"), TestContext.Current.CancellationToken);
        Assert.Equal(DeliveryState.Delivered, Assert.Single(await WaitSettledAsync(next.Store, "evt-done")).State);

        // The receiver is down for the second event while the old leader holds it; then the old leader goes away.
        _receiver.Answer = (r, _) => r.Id == "evt-left" ? 503 : 200;
        await next.Publisher.PublishAsync(WebhookHarness.Event("evt-left"), TestContext.Current.CancellationToken);
        await _receiver.WaitForAsync(r => r.Count(x => x.Id == "evt-left") >= 2);
        oldLeader.Leadership.IsLeader = false;
        await oldLeader.DisposeAsync();
        var triedByOld = _receiver.Received.Count(x => x.Id == "evt-left");
        _receiver.Answer = (_, _) => 200;
        next.Leadership.IsLeader = true;

        var view = Assert.Single(await WaitSettledAsync(next.Store, "evt-left"));
        Assert.Equal(DeliveryState.Delivered, view.State);
        await Task.Delay(Quiet, TestContext.Current.CancellationToken);
        Assert.Single(_receiver.Received, r => r.Id == "evt-done");
        Assert.Single(_receiver.Received, r => r.Id == "evt-left" && r.Answered == 200);
        Assert.True(_receiver.Received.Count(x => x.Id == "evt-left") > triedByOld);
    }

    [Fact]
    public async Task An_event_published_while_Redis_is_down_is_held_on_disk_and_delivered_once_when_Redis_returns()
    {
        await using var leader = await RedisWebhookReplica.StartAsync(_redis.Configuration, leader: true, _receiver.Url);
        await using var follower = await RedisWebhookReplica.StartAsync(_redis.Configuration, leader: false, _receiver.Url);

        _redis.Kill();
        Assert.Equal(OutboxAppend.Recorded, await follower.Store.AppendAsync(WebhookHarness.Event("evt-outage"), TestContext.Current.CancellationToken));
        Assert.Equal(OutboxAppend.Recorded, await leader.Store.AppendAsync(WebhookHarness.Event("evt-outage"), TestContext.Current.CancellationToken));
        Assert.Equal(1, follower.Buffer.Count);
        Assert.Contains("evt-outage", await File.ReadAllTextAsync(follower.Buffer.Path, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Empty(_receiver.Received);

        await _redis.RestartAsync();
        await _receiver.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await Task.Delay(Quiet, TestContext.Current.CancellationToken);
        Assert.Equal("evt-outage", Assert.Single(_receiver.Received).Id);
        Assert.Equal(0, follower.Buffer.Count);
        Assert.Equal(0, leader.Buffer.Count);
    }

    [Fact]
    public async Task The_delivery_log_and_a_redelivery_work_from_a_replica_that_is_not_the_leader()
    {
        await using var leader = await RedisWebhookReplica.StartAsync(_redis.Configuration, leader: true, _receiver.Url);
        await using var follower = await RedisWebhookReplica.StartAsync(_redis.Configuration, leader: false, _receiver.Url);
        await leader.Publisher.PublishAsync(WebhookHarness.Event("evt-again"), TestContext.Current.CancellationToken);
        await WaitSettledAsync(follower.Store, "evt-again");

        var pending = await follower.Store.RedeliverAsync("evt-again", null, TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryState.Pending, Assert.Single(pending!).State);
        Assert.Null(await follower.Store.RedeliverAsync("evt-unknown", null, TestContext.Current.CancellationToken));
        await _receiver.WaitForAsync(r => r.Count >= 2);
        var view = Assert.Single(await WaitSettledAsync(follower.Store, "evt-again"));
        Assert.Equal(DeliveryState.Delivered, view.State);
        Assert.Equal(2, view.Attempts);
        await Task.Delay(Quiet, TestContext.Current.CancellationToken);
        Assert.Equal(["evt-again", "evt-again"], _receiver.Received.Select(r => r.Id));
        var log = await follower.Store.DeliveriesAsync(null, null, 10, TestContext.Current.CancellationToken);
        Assert.Equal("evt-again", Assert.Single(log).EventId);
    }

    [Fact]
    public async Task A_deposed_leader_stops_sending_and_does_not_resend_what_the_next_leader_delivered()
    {
        await using var first = await RedisWebhookReplica.StartAsync(_redis.Configuration, leader: true, _receiver.Url);
        await using var second = await RedisWebhookReplica.StartAsync(_redis.Configuration, leader: false, _receiver.Url);
        _receiver.Answer = (_, _) => 503;
        await first.Publisher.PublishAsync(WebhookHarness.Event("evt-guarded"), TestContext.Current.CancellationToken);
        await _receiver.WaitForAsync(r => r.Count >= 1);

        // Deposed mid-retry: within a leadership re-check it gives the delivery back (pending in its own outbox) and sends no more.
        first.Leadership.IsLeader = false;
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        var afterDeposed = _receiver.Received.Count;
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.Equal(afterDeposed, _receiver.Received.Count);

        _receiver.Answer = (_, _) => 200;
        second.Leadership.IsLeader = true;
        Assert.Equal(DeliveryState.Delivered, Assert.Single(await WaitSettledAsync(second.Store, "evt-guarded")).State);

        // Back to the first leader, whose own outbox still says pending: Redis says delivered, so nothing is sent.
        second.Leadership.IsLeader = false;
        first.Leadership.IsLeader = true;
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        Assert.Single(_receiver.Received, r => r.Answered == 200);
        Assert.Equal(afterDeposed + 1, _receiver.Received.Count);
        Assert.Equal(DeliveryState.Delivered, Assert.Single(first.LocalOutbox.Deliveries("evt-guarded", null, 10)).State);
    }

    /// <summary>Waits until the shared delivery log shows every delivery of the event finished.</summary>
    private static async Task<IReadOnlyList<DeliveryView>> WaitSettledAsync(IWebhookEventStore store, string eventId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var views = await store.DeliveriesAsync(eventId, null, 100, CancellationToken.None);
            if (views.Count > 0 && views.All(v => v.State != DeliveryState.Pending))
                return views;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{eventId}: {string.Join(", ", views.Select(v => $"{v.SubscriptionId}:{v.State}:{v.Attempts}"))}");
            await Task.Delay(50);
        }
    }
}
