using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Events.Webhooks;
using Serving.Core.Storage;

namespace Serving.Core.Events.Outbox;

/// <summary>
/// The durable outbox behind <see cref="IGatewayEventPublisher"/>: an event is appended to
/// <c>&lt;data&gt;/webhooks/outbox.jsonl</c> and flushed to the disk before <see cref="PublishAsync"/> returns, with
/// one delivery per subscription that wants its type. Every attempt and every change of a delivery's state is
/// appended the same way, so after a restart or <c>kill -9</c> pending deliveries resume and delivered ones are not
/// sent again. (A crash between a receiver's 2xx and its record means one more send: delivery is at least once, and
/// the stable webhook-id lets the receiver drop the repeat.) Compaction rewrites the file from memory, dropping
/// finished events past <see cref="WebhookOptions.DeliveryLogRetention"/> or beyond <see cref="WebhookOptions.MaxRetainedEvents"/>.
/// Nothing here touches the network.
/// </summary>
public sealed class WebhookOutbox : IGatewayEventPublisher, IDisposable
{
    /// <summary>Attempts each delivery keeps for the delivery log; the count covers them all.</summary>
    public const int RecentAttemptsKept = 20;

    private readonly object _gate = new();
    private readonly Dictionary<string, OutboxEvent> _events = new(StringComparer.Ordinal);
    private readonly List<OutboxEvent> _order = [];
    private readonly OutboxJournal _journal;
    private readonly WebhookSubscriptionStore _subscriptions;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _work = new(0);
    private readonly ConcurrentDictionary<(string Type, string Outcome), long> _outcomes = new();
    private readonly ConcurrentDictionary<(string Type, string Result), long> _attempts = new();
    private bool _unreadable;

    public WebhookOutbox(WebhookSubscriptionStore subscriptions, IOptions<WebhookOptions> options, DataPaths paths, TimeProvider time, ILogger<WebhookOutbox> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _subscriptions = subscriptions;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _journal = new OutboxJournal(Path.Combine(WebhookPaths.Folder(paths), "outbox.jsonl"));

        try
        {
            var records = _journal.Read(out var unreadable);
            foreach (var record in records)
                Replay(record);
            if (unreadable > 0)
                OutboxLog.UnreadableLines(_logger, _journal.Path, unreadable);

            // Rewritten at start: a torn last line must not have the next append glued onto it.
            if (File.Exists(_journal.Path))
            {
                lock (_gate)
                    Compact();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The data directory's own check reports an unwritable folder; the gateway serves on, events are held
            // in memory, and nothing is ever rewritten over a journal that could not be read.
            _unreadable = true;
            OutboxLog.ProgressNotSaved(_logger, _journal.Path, ex.Message);
        }

        OutboxLog.Loaded(_logger, _journal.Path, _events.Count, Depth);
    }

    /// <summary>The journal file.</summary>
    public string JournalPath => _journal.Path;

    /// <summary>Appends past which the journal is compacted (at least; more when many events are kept).</summary>
    internal int CompactionThreshold { get; set; } = 1024;

    /// <summary>Deliveries not yet delivered, failed or cancelled.</summary>
    public int Depth
    {
        get
        {
            lock (_gate)
                return _order.Sum(e => e.Deliveries.Count(d => d.State == DeliveryState.Pending));
        }
    }

    /// <summary>When the oldest event with a pending delivery was recorded; null when none is pending.</summary>
    public DateTimeOffset? OldestPendingRecordedAt
    {
        get
        {
            lock (_gate)
                return _order.FirstOrDefault(e => e.Deliveries.Exists(d => d.State == DeliveryState.Pending))?.RecordedAt;
        }
    }

    /// <summary>
    /// Raised after a delivery changed (an attempt recorded, finished, made pending again), outside the outbox's lock,
    /// with the event id and subscription: the Redis mirror copies the delivery's state from here.
    /// </summary>
    public event Action<string, string>? Changed;

    /// <summary>Finished deliveries since start, by event type and outcome (delivered, failed, cancelled).</summary>
    public IReadOnlyDictionary<(string Type, string Outcome), long> Outcomes => _outcomes;

    /// <summary>Attempts since start, by event type and result (2xx … 5xx, error).</summary>
    public IReadOnlyDictionary<(string Type, string Result), long> AttemptResults => _attempts;

    /// <inheritdoc />
    public ValueTask PublishAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        ArgumentException.ThrowIfNullOrWhiteSpace(gatewayEvent.Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(gatewayEvent.Type);
        // A write failure is logged and the event still delivered from memory: monitoring is never failed by webhooks.
        Append(gatewayEvent);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Records the event unless its id is known. When the journal cannot be written the event is still kept in memory
    /// and delivered while the gateway runs, the failure logged, and <see cref="OutboxAppend.NotDurable"/> returned.
    /// </summary>
    public OutboxAppend Append(GatewayEvent gatewayEvent) => Append(gatewayEvent, skip: null);

    /// <summary>
    /// <see cref="Append(GatewayEvent)"/>, leaving out the subscriptions in <paramref name="skip"/>: with Redis, the
    /// leader takes over an event another leader had already delivered to some of its receivers.
    /// </summary>
    public OutboxAppend Append(GatewayEvent gatewayEvent, IReadOnlySet<string>? skip)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        var body = Body(gatewayEvent);
        var targets = _subscriptions.All.Where(s => s.Wants(gatewayEvent.Type) && skip?.Contains(s.Id) != true).Select(s => new OutboxTarget(s.Id, s.Url.ToString())).ToList();
        var result = OutboxAppend.Recorded;
        lock (_gate)
        {
            if (_events.ContainsKey(gatewayEvent.Id))
                return OutboxAppend.Duplicate;
            var record = new OutboxRecord
            {
                Op = OutboxRecord.EventOp,
                Event = gatewayEvent.Id,
                At = _time.GetUtcNow(),
                Type = gatewayEvent.Type,
                Timestamp = gatewayEvent.Timestamp,
                Body = body,
                Targets = targets,
            };
            try
            {
                RestoreIfLost();
                _journal.Append([record]);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                OutboxLog.WriteFailed(_logger, _journal.Path, gatewayEvent.Id, gatewayEvent.Type, ex.Message);
                result = OutboxAppend.NotDurable;
            }

            Replay(record);
        }

        _work.Release();
        return result;
    }

    /// <summary>The body every attempt sends: <c>{"type", "timestamp" (ISO-8601, UTC), "data"}</c>, as the Standard Webhooks specification lays out.</summary>
    public static string Body(GatewayEvent gatewayEvent)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        return new JsonObject
        {
            ["type"] = gatewayEvent.Type,
            ["timestamp"] = gatewayEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["data"] = gatewayEvent.Data?.DeepClone() ?? new JsonObject(),
        }.ToJsonString();
    }

    /// <summary>Waits until something may be due: an event appended, a redelivery asked for, a delivery finished.</summary>
    public Task WaitForWorkAsync(CancellationToken cancellationToken) => _work.WaitAsync(cancellationToken);

    /// <summary>As <see cref="WaitForWorkAsync(CancellationToken)"/>, but no longer than <paramref name="timeout"/> (leadership is looked at again then).</summary>
    public Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => _work.WaitAsync(timeout, cancellationToken);

    /// <summary>True when the event is kept and none of its deliveries is pending (also when it had no targets).</summary>
    public bool IsSettled(string eventId)
    {
        lock (_gate)
            return _events.TryGetValue(eventId, out var e) && e.Deliveries.TrueForAll(d => d.State != DeliveryState.Pending);
    }

    /// <summary>Takes the pending deliveries no one has, oldest event first, at most <paramref name="perSubscription"/> in hand per subscription.</summary>
    public IReadOnlyList<OutboxWork> TakeDue(int perSubscription)
    {
        var taken = new List<OutboxWork>();
        lock (_gate)
        {
            var inHand = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var delivery in _order.SelectMany(e => e.Deliveries).Where(d => d.InFlight))
                inHand[delivery.Subscription] = inHand.GetValueOrDefault(delivery.Subscription) + 1;
            foreach (var outboxEvent in _order)
            {
                foreach (var delivery in outboxEvent.Deliveries)
                {
                    if (delivery.State != DeliveryState.Pending || delivery.InFlight || inHand.GetValueOrDefault(delivery.Subscription) >= perSubscription)
                        continue;
                    delivery.InFlight = true;
                    inHand[delivery.Subscription] = inHand.GetValueOrDefault(delivery.Subscription) + 1;
                    taken.Add(new OutboxWork(outboxEvent.Id, outboxEvent.Type, Encoding.UTF8.GetBytes(outboxEvent.Body), delivery.Subscription, delivery.FirstAttemptAt));
                }
            }
        }

        return taken;
    }

    /// <summary>Records one attempt (durably, best effort: a lost attempt line only shortens the log).</summary>
    public void RecordAttempt(string eventId, string subscription, DeliveryAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        lock (_gate)
        {
            if (Find(eventId, subscription) is not { } delivery)
                return;
            TryAppend(new OutboxRecord
            {
                Op = OutboxRecord.AttemptOp,
                Event = eventId,
                Subscription = subscription,
                At = attempt.At,
                Status = attempt.StatusCode,
                Error = attempt.Error,
                DurationMs = attempt.DurationMs,
            });
            delivery.Add(attempt);
            _attempts.AddOrUpdate((delivery.Event.Type, attempt.ResultClass), 1, (_, n) => n + 1);
        }

        Changed?.Invoke(eventId, subscription);
    }

    /// <summary>Ends a delivery the deliverer had: delivered, failed or cancelled, with the reason for the last two.</summary>
    public void Finish(string eventId, string subscription, string state, string? reason)
    {
        if (!DeliveryState.IsFinished(state))
            throw new ArgumentException("a finished state: delivered, failed or cancelled", nameof(state));
        lock (_gate)
        {
            if (Find(eventId, subscription) is not { } delivery)
                return;
            var now = _time.GetUtcNow();
            TryAppend(new OutboxRecord { Op = OutboxRecord.StateOp, Event = eventId, Subscription = subscription, At = now, State = state, Reason = reason });
            delivery.State = state;
            delivery.Reason = reason;
            delivery.UpdatedAt = now;
            delivery.InFlight = false;
            _outcomes.AddOrUpdate((delivery.Event.Type, state), 1, (_, n) => n + 1);
            if (_journal.AppendedSinceCompaction > Math.Max(CompactionThreshold, _events.Count * 8))
                Compact();
        }

        Changed?.Invoke(eventId, subscription);
        _work.Release();
    }

    /// <summary>Gives back a delivery the deliverer had without finishing it (shutting down): it stays pending.</summary>
    public void Release(string eventId, string subscription)
    {
        lock (_gate)
        {
            if (Find(eventId, subscription) is { } delivery)
                delivery.InFlight = false;
        }

        _work.Release();
    }

    /// <summary>
    /// Makes the event's deliveries pending again with a fresh retry horizon: all of them, or only the one to
    /// <paramref name="subscription"/> (which need not have been a target: an event can be sent to a receiver added
    /// later). Null when the event is unknown; throws <see cref="WebhookSubscriptionException"/> for an unknown subscription.
    /// A delivery being sent right now is left to finish.
    /// </summary>
    public IReadOnlyList<DeliveryView>? Redeliver(string eventId, string? subscription)
    {
        var target = subscription is null ? null
            : _subscriptions.Find(subscription) ?? throw new WebhookSubscriptionException($"no subscription '{subscription}'");
        List<DeliveryView> views;
        lock (_gate)
        {
            if (!_events.TryGetValue(eventId, out var outboxEvent))
                return null;
            var now = _time.GetUtcNow();
            IEnumerable<(string Subscription, string Url)> chosen = target is not null
                ? [(target.Id, target.Url.ToString())]
                : outboxEvent.Deliveries.Select(d => (d.Subscription, _subscriptions.Find(d.Subscription)?.Url.ToString() ?? d.Url)).ToList();
            foreach (var (id, url) in chosen)
            {
                if (outboxEvent.Delivery(id) is { InFlight: true, State: DeliveryState.Pending })
                    continue;
                var record = new OutboxRecord { Op = OutboxRecord.StateOp, Event = eventId, Subscription = id, Url = url, At = now, State = DeliveryState.Pending };
                TryAppend(record);
                Replay(record);
            }

            views = [.. outboxEvent.Deliveries.Where(d => target is null || d.Subscription == target.Id).Select(d => d.View())];
        }

        foreach (var view in views)
            Changed?.Invoke(eventId, view.SubscriptionId);
        _work.Release();
        return views;
    }

    /// <summary>The delivery log, newest event first, optionally for one event and/or one subscription.</summary>
    public IReadOnlyList<DeliveryView> Deliveries(string? eventId, string? subscription, int limit)
    {
        lock (_gate)
        {
            return [.. Enumerable.Reverse(_order)
                .Where(e => eventId is null || e.Id == eventId)
                .SelectMany(e => e.Deliveries)
                .Where(d => subscription is null || d.Subscription == subscription)
                .Take(Math.Max(0, limit))
                .Select(d => d.View())];
        }
    }

    /// <summary>True when an event with this id is kept (recorded and not yet compacted away).</summary>
    public bool Contains(string eventId)
    {
        lock (_gate)
            return _events.ContainsKey(eventId);
    }

    public void Dispose()
    {
        _journal.Dispose();
        _work.Dispose();
    }

    /// <summary>
    /// Writes the journal anew from memory when its file was deleted or moved away while open (an operator freeing
    /// space, a clean-up job): otherwise every later event would be appended, and fsynced, to a file no restart reads.
    /// Lines a crash had torn went with the file, so compaction may run again.
    /// </summary>
    private void RestoreIfLost()
    {
        if (!_journal.Lost)
            return;
        OutboxLog.JournalLost(_logger, _journal.Path, _order.Count);
        _unreadable = false;
        _journal.Rewrite(_order.SelectMany(Snapshot));
    }

    /// <summary>Rewrites the journal from memory, first dropping finished events past retention or beyond the cap.</summary>
    internal void Compact()
    {
        if (_unreadable)
            return;
        var cutoff = _time.GetUtcNow() - _options.DeliveryLogRetention;
        var finished = _order.Where(e => e.Finished).ToList();
        var drop = finished.Where(e => e.LastChange < cutoff).ToHashSet();
        foreach (var extra in finished.Where(e => !drop.Contains(e)).Take(Math.Max(0, finished.Count - drop.Count - _options.MaxRetainedEvents)))
            drop.Add(extra);
        try
        {
            _journal.Rewrite(_order.Where(e => !drop.Contains(e)).SelectMany(Snapshot));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The old journal is intact (the rename never happened): keep everything and try again later.
            OutboxLog.ProgressNotSaved(_logger, _journal.Path, ex.Message);
            return;
        }

        foreach (var dropped in drop)
            _events.Remove(dropped.Id);
        _order.RemoveAll(drop.Contains);
        OutboxLog.Compacted(_logger, _order.Count, drop.Count);
    }

    private static IEnumerable<OutboxRecord> Snapshot(OutboxEvent e)
    {
        yield return new OutboxRecord
        {
            Op = OutboxRecord.EventOp,
            Event = e.Id,
            At = e.RecordedAt,
            Type = e.Type,
            Timestamp = e.Timestamp,
            Body = e.Body,
            Targets = [],
        };
        foreach (var d in e.Deliveries)
        {
            foreach (var a in d.RecentAttempts)
                yield return new OutboxRecord { Op = OutboxRecord.AttemptOp, Event = e.Id, Subscription = d.Subscription, Url = d.Url, At = a.At, Status = a.StatusCode, Error = a.Error, DurationMs = a.DurationMs };
            yield return new OutboxRecord
            {
                Op = OutboxRecord.StateOp,
                Event = e.Id,
                Subscription = d.Subscription,
                Url = d.Url,
                At = d.UpdatedAt,
                State = d.State,
                Reason = d.Reason,
                Snapshot = true,
                Count = d.AttemptCount,
                FirstAttemptAt = d.FirstAttemptAt,
            };
        }
    }

    private void Replay(OutboxRecord record)
    {
        switch (record.Op)
        {
            case OutboxRecord.EventOp when !_events.ContainsKey(record.Event) && record.Type is not null && record.Body is not null:
                var added = new OutboxEvent(record.Event, record.Type, record.Timestamp ?? record.At, record.Body, record.At);
                foreach (var target in record.Targets ?? [])
                    added.Deliveries.Add(new OutboxDelivery(added, target.Subscription, target.Url, record.At));
                _events.Add(added.Id, added);
                _order.Add(added);
                break;
            case OutboxRecord.AttemptOp when record.Subscription is not null && _events.TryGetValue(record.Event, out var e):
                // A compacted journal writes a delivery's attempts before its state line, so the delivery may be new here.
                var delivery = e.Delivery(record.Subscription) ?? AddDelivery(e, record);
                delivery.Add(new DeliveryAttempt(record.At, record.Status, record.Error, record.DurationMs ?? 0));
                break;
            case OutboxRecord.StateOp when record.Subscription is not null && record.State is not null && _events.TryGetValue(record.Event, out var e):
                var changed = e.Delivery(record.Subscription) ?? AddDelivery(e, record);
                changed.State = record.State;
                changed.Reason = record.Reason;
                changed.UpdatedAt = record.At;
                if (record.Url is not null)
                    changed.Url = record.Url;
                if (record.Snapshot)
                {
                    changed.AttemptCount = record.Count ?? changed.AttemptCount;
                    changed.FirstAttemptAt = record.FirstAttemptAt;
                }
                else if (record.State == DeliveryState.Pending)
                {
                    changed.FirstAttemptAt = null; // a redelivery starts a new retry horizon
                }

                break;
        }
    }

    private static OutboxDelivery AddDelivery(OutboxEvent e, OutboxRecord record)
    {
        var delivery = new OutboxDelivery(e, record.Subscription!, record.Url ?? string.Empty, record.At);
        e.Deliveries.Add(delivery);
        return delivery;
    }

    private OutboxDelivery? Find(string eventId, string subscription) =>
        _events.TryGetValue(eventId, out var e) ? e.Delivery(subscription) : null;

    private void TryAppend(OutboxRecord record)
    {
        try
        {
            RestoreIfLost();
            _journal.Append([record]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            OutboxLog.ProgressNotSaved(_logger, _journal.Path, ex.Message);
        }
    }
}
