using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serving.Core.Events;
using Serving.Core.Events.Outbox;
using Serving.Core.Events.Webhooks;
using Serving.Core.Storage;

namespace Serving.Core.Tests.Events.Outbox;

/// <summary>The outbox on its own: durability, duplicates, replay of a torn file, compaction and the delivery log.</summary>
public sealed class WebhookOutboxTests : IDisposable
{
    private const string Secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    private readonly string _data = Directory.CreateTempSubdirectory("outbox-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-06-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly WebhookOptions _options = new();

    public WebhookOutboxTests()
    {
        _options.Subscriptions.Add(new WebhookSubscriptionOptions { Url = "http://127.0.0.1:9/a", Secret = Secret });
        _options.Subscriptions.Add(new WebhookSubscriptionOptions { Url = "http://127.0.0.1:9/b", Secret = Secret, Events = [GatewayEventTypes.VersionPublished] });
    }

    private static string A => WebhookSubscriptionStore.ConfiguredId("http://127.0.0.1:9/a");

    private static string B => WebhookSubscriptionStore.ConfiguredId("http://127.0.0.1:9/b");

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private WebhookOutbox Open()
    {
        var options = Options.Create(_options);
        var paths = new DataPaths(_data);
        return new WebhookOutbox(new WebhookSubscriptionStore(options, paths, _time), options, paths, _time, NullLogger<WebhookOutbox>.Instance);
    }

    private static GatewayEvent Event(string id, string type = GatewayEventTypes.DriftDetected) =>
        new(id, type, DateTimeOffset.Parse("2026-06-01T07:59:00Z", System.Globalization.CultureInfo.InvariantCulture), new JsonObject { ["model"] = "iris" });

    [Fact]
    public async Task A_published_event_is_on_disk_when_publish_returns_addressed_to_the_subscriptions_that_want_it()
    {
        using var outbox = Open();

        await outbox.PublishAsync(Event("e1"), TestContext.Current.CancellationToken);

        // Another outbox reading the same folder, as a restarted gateway would (the first is never closed: kill -9).
        using var reopened = Open();
        var view = Assert.Single(reopened.Deliveries("e1", null, 10));
        Assert.Equal(A, view.SubscriptionId);
        Assert.Equal(DeliveryState.Pending, view.State);
        Assert.Equal(1, reopened.Depth);
    }

    [Fact]
    public async Task A_journal_deleted_while_open_is_written_anew_from_memory_so_a_restart_finds_every_event()
    {
        using var outbox = Open();
        await outbox.PublishAsync(Event("before"), TestContext.Current.CancellationToken);
        Assert.Single(outbox.TakeDue(10));
        outbox.RecordAttempt("before", A, new DeliveryAttempt(_time.GetUtcNow(), 503, null, 1));

        // An operator frees space: the folder goes, file and all, while the gateway holds the file open.
        Directory.Delete(Path.GetDirectoryName(outbox.JournalPath)!, recursive: true);
        await outbox.PublishAsync(Event("after"), TestContext.Current.CancellationToken);

        using var reopened = Open();
        Assert.Equal(["before", "after"], reopened.TakeDue(10).Select(w => w.EventId));
        Assert.Equal([503], reopened.Deliveries("before", A, 1)[0].RecentAttempts.Select(a => a.StatusCode));
    }

    [Fact]
    public async Task An_event_goes_to_every_subscription_whose_types_include_it()
    {
        using var outbox = Open();

        await outbox.PublishAsync(Event("p", GatewayEventTypes.VersionPublished), TestContext.Current.CancellationToken);
        await outbox.PublishAsync(Event("d"), TestContext.Current.CancellationToken);

        Assert.Equal([A, B], outbox.Deliveries("p", null, 10).Select(v => v.SubscriptionId));
        Assert.Equal([A], outbox.Deliveries("d", null, 10).Select(v => v.SubscriptionId));
    }

    [Fact]
    public async Task A_repeated_id_is_ignored_even_after_a_restart()
    {
        using (var outbox = Open())
        {
            Assert.Equal(OutboxAppend.Recorded, outbox.Append(Event("dup")));
            Assert.Equal(OutboxAppend.Duplicate, outbox.Append(Event("dup", GatewayEventTypes.VersionFailed)));
        }

        using var reopened = Open();
        await reopened.PublishAsync(Event("dup"), TestContext.Current.CancellationToken);

        Assert.Single(reopened.Deliveries("dup", null, 10));
        Assert.Equal(GatewayEventTypes.DriftDetected, reopened.Deliveries("dup", null, 10)[0].EventType);
        Assert.Single(File.ReadAllLines(reopened.JournalPath), l => l.Contains("\"op\":\"event\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Delivered_failed_and_pending_states_survive_a_restart_with_their_attempts()
    {
        using (var outbox = Open())
        {
            outbox.Append(Event("done"));
            outbox.Append(Event("gave-up"));
            outbox.Append(Event("waiting"));
            Assert.Equal(3, outbox.TakeDue(10).Count);
            outbox.RecordAttempt("done", A, new DeliveryAttempt(_time.GetUtcNow(), 500, null, 3));
            outbox.RecordAttempt("done", A, new DeliveryAttempt(_time.GetUtcNow(), 200, null, 2));
            outbox.Finish("done", A, DeliveryState.Delivered, null);
            outbox.RecordAttempt("gave-up", A, new DeliveryAttempt(_time.GetUtcNow(), 404, null, 1));
            outbox.Finish("gave-up", A, DeliveryState.Failed, "HTTP 404");
            outbox.RecordAttempt("waiting", A, new DeliveryAttempt(_time.GetUtcNow(), null, "connection refused", 1));
        }

        using var reopened = Open();
        var due = reopened.TakeDue(10);

        Assert.Equal(["waiting"], due.Select(w => w.EventId));
        Assert.Equal(_time.GetUtcNow(), due[0].FirstAttemptAt);
        var done = reopened.Deliveries("done", A, 1)[0];
        Assert.Equal((DeliveryState.Delivered, 2), (done.State, done.Attempts));
        Assert.Equal([500, 200], done.RecentAttempts.Select(a => a.StatusCode));
        var failed = reopened.Deliveries("gave-up", A, 1)[0];
        Assert.Equal((DeliveryState.Failed, "HTTP 404"), (failed.State, failed.Reason));
    }

    [Fact]
    public async Task An_unwritable_data_directory_does_not_stop_the_outbox_events_are_held_in_memory_and_publishing_does_not_throw()
    {
        // A file where the data directory should be: no user can create it, root included.
        var blocked = Path.Combine(_data, "file");
        File.WriteAllText(blocked, "in the way");
        var options = Options.Create(_options);
        var paths = new DataPaths(Path.Combine(blocked, "data"));
        using var outbox = new WebhookOutbox(new WebhookSubscriptionStore(options, paths, _time), options, paths, _time, NullLogger<WebhookOutbox>.Instance);

        await outbox.PublishAsync(Event("kept"), TestContext.Current.CancellationToken);

        Assert.Equal(OutboxAppend.NotDurable, outbox.Append(Event("also")));
        Assert.Equal(OutboxAppend.Duplicate, outbox.Append(Event("kept")));
        Assert.Equal(2, outbox.Depth);
        Assert.Equal(["kept"], outbox.TakeDue(10).Where(w => w.EventId == "kept").Select(w => w.EventId));
    }

    [Fact]
    public void A_torn_last_line_is_dropped_and_the_next_append_starts_on_a_clean_line()
    {
        using (var outbox = Open())
            outbox.Append(Event("whole"));
        var journal = Path.Combine(_data, "webhooks", "outbox.jsonl");
        File.AppendAllText(journal, "{\"op\":\"event\",\"event\":\"torn\",\"at\":\"2026-06-01T08:00:00Z\",\"ty");

        using (var reopened = Open())
        {
            Assert.False(reopened.Contains("torn"));
            Assert.True(reopened.Contains("whole"));
            reopened.Append(Event("after"));
        }

        using var third = Open();
        Assert.True(third.Contains("after"));
        Assert.True(third.Contains("whole"));
    }

    [Fact]
    public void Compaction_drops_finished_events_past_retention_keeps_pending_ones_and_shrinks_the_file()
    {
        _options.DeliveryLogRetention = TimeSpan.FromHours(1);
        using var outbox = Open();
        outbox.CompactionThreshold = 50;
        outbox.Append(Event("still-pending"));
        for (var i = 0; i < 40; i++)
        {
            outbox.Append(Event($"old-{i}"));
        }

        foreach (var work in outbox.TakeDue(100).Where(w => w.EventId.StartsWith("old-", StringComparison.Ordinal)))
        {
            outbox.RecordAttempt(work.EventId, work.Subscription, new DeliveryAttempt(_time.GetUtcNow(), 200, null, 1));
            outbox.Finish(work.EventId, work.Subscription, DeliveryState.Delivered, null);
        }

        outbox.Release("still-pending", A);
        _time.Advance(TimeSpan.FromHours(2));
        outbox.Append(Event("new"));
        foreach (var work in outbox.TakeDue(100).Where(w => w.EventId == "new"))
            outbox.Finish(work.EventId, work.Subscription, DeliveryState.Delivered, null);
        outbox.Compact();

        Assert.False(outbox.Contains("old-0"));
        Assert.True(outbox.Contains("still-pending"));
        Assert.True(outbox.Contains("new"));
        Assert.True(File.ReadAllLines(outbox.JournalPath).Length < 10, "the journal kept finished events past retention");
        using var reopened = Open();
        Assert.Equal(["new", "still-pending"], reopened.Deliveries(null, null, 10).Select(v => v.EventId));
        Assert.Equal(DeliveryState.Delivered, reopened.Deliveries("new", null, 1)[0].State);
    }

    [Fact]
    public void Compaction_keeps_at_most_the_configured_number_of_finished_events_newest_first()
    {
        _options.MaxRetainedEvents = 2;
        using var outbox = Open();
        for (var i = 0; i < 4; i++)
            outbox.Append(Event($"e{i}"));
        foreach (var work in outbox.TakeDue(100))
            outbox.Finish(work.EventId, work.Subscription, DeliveryState.Delivered, null);

        outbox.Compact();

        Assert.Equal(["e3", "e2"], outbox.Deliveries(null, null, 10).Select(v => v.EventId));
    }

    [Fact]
    public void Redelivery_makes_a_finished_delivery_pending_with_a_fresh_horizon_and_survives_a_restart()
    {
        using (var outbox = Open())
        {
            outbox.Append(Event("again"));
            outbox.TakeDue(10);
            outbox.RecordAttempt("again", A, new DeliveryAttempt(_time.GetUtcNow(), 404, null, 1));
            outbox.Finish("again", A, DeliveryState.Failed, "HTTP 404");
            _time.Advance(TimeSpan.FromMinutes(5));

            var views = outbox.Redeliver("again", null);

            Assert.Equal(DeliveryState.Pending, Assert.Single(views!).State);
        }

        using var reopened = Open();
        var due = Assert.Single(reopened.TakeDue(10));
        Assert.Null(due.FirstAttemptAt);
        Assert.Equal(1, reopened.Deliveries("again", A, 1)[0].Attempts);
    }

    [Fact]
    public void The_delivery_log_filters_by_event_and_subscription_newest_first_and_honours_the_limit()
    {
        using var outbox = Open();
        outbox.Append(Event("d1"));
        outbox.Append(Event("p1", GatewayEventTypes.VersionPublished));
        outbox.Append(Event("d2"));

        Assert.Equal(["d2", "p1", "p1", "d1"], outbox.Deliveries(null, null, 10).Select(v => v.EventId));
        Assert.Equal(["p1"], outbox.Deliveries(null, B, 10).Select(v => v.EventId));
        Assert.Equal([A, B], outbox.Deliveries("p1", null, 10).Select(v => v.SubscriptionId));
        Assert.Equal(2, outbox.Deliveries(null, null, 2).Count);
    }

    [Fact]
    public void Depth_and_the_oldest_pending_event_follow_what_is_left_to_deliver()
    {
        using var outbox = Open();
        Assert.Equal((0, (DateTimeOffset?)null), (outbox.Depth, outbox.OldestPendingRecordedAt));
        var first = _time.GetUtcNow();
        outbox.Append(Event("x"));
        _time.Advance(TimeSpan.FromMinutes(1));
        outbox.Append(Event("y"));
        Assert.Equal((2, (DateTimeOffset?)first), (outbox.Depth, outbox.OldestPendingRecordedAt));

        outbox.TakeDue(10);
        outbox.Finish("x", A, DeliveryState.Delivered, null);

        Assert.Equal((1, (DateTimeOffset?)first.AddMinutes(1)), (outbox.Depth, outbox.OldestPendingRecordedAt));
    }

    [Fact]
    public void Taking_work_leaves_at_most_the_per_subscription_limit_in_hand()
    {
        using var outbox = Open();
        for (var i = 0; i < 5; i++)
            outbox.Append(Event($"e{i}"));

        Assert.Equal(["e0", "e1"], outbox.TakeDue(2).Select(w => w.EventId));
        Assert.Empty(outbox.TakeDue(2));
        outbox.Finish("e0", A, DeliveryState.Delivered, null);
        Assert.Equal(["e2"], outbox.TakeDue(2).Select(w => w.EventId));
    }
}
