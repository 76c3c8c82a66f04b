using Serving.Core.Events.Webhooks;
using Serving.Core.Storage;

namespace Serving.Core.Events.Outbox.Redis;

/// <summary>
/// Events this replica could not hand to Redis (down, or too slow), oldest first, kept in
/// <c>&lt;data&gt;/webhooks/redis-pending.jsonl</c> (flushed to the disk before the producer is answered) until the relay
/// hands them over. A restart reads the file back, so an event is not lost to an outage followed by a crash.
/// </summary>
public sealed class RedisOutboxBuffer : IDisposable
{
    private readonly object _gate = new();
    private readonly List<GatewayEvent> _events = [];
    private readonly OutboxJournal _journal;

    public RedisOutboxBuffer(DataPaths paths)
    {
        _journal = new OutboxJournal(System.IO.Path.Combine(WebhookPaths.Folder(paths), "redis-pending.jsonl"));
        try
        {
            foreach (var record in _journal.Read(out _))
            {
                if (record is { Op: OutboxRecord.EventOp, Type: not null, Body: not null } && RedisEventCodec.FromBody(record.Event, record.Type, record.Timestamp ?? record.At, record.Body) is { } e)
                    _events.Add(e);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable: nothing to hand over; new events are still held (in memory when the disk refuses).
        }
    }

    public string Path => _journal.Path;

    public int Count
    {
        get
        {
            lock (_gate)
                return _events.Count;
        }
    }

    /// <summary>Holds the event (unless held already); false when it could only be held in memory.</summary>
    public OutboxAppend Add(GatewayEvent gatewayEvent, TimeProvider time)
    {
        lock (_gate)
        {
            if (_events.Exists(e => e.Id == gatewayEvent.Id))
                return OutboxAppend.Duplicate;
            _events.Add(gatewayEvent);
            try
            {
                _journal.Append([Record(gatewayEvent, time.GetUtcNow())]);
                return OutboxAppend.Recorded;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return OutboxAppend.NotDurable;
            }
        }
    }

    /// <summary>The oldest held event, or null.</summary>
    public GatewayEvent? Peek()
    {
        lock (_gate)
            return _events.Count > 0 ? _events[0] : null;
    }

    /// <summary>Lets go of the oldest event once Redis has it; the file is rewritten when the last one goes.</summary>
    public void RemoveFirst(TimeProvider time)
    {
        lock (_gate)
        {
            if (_events.Count == 0)
                return;
            _events.RemoveAt(0);
            try
            {
                _journal.Rewrite(_events.Select(e => Record(e, time.GetUtcNow())));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The old file is intact: after a restart its events go to Redis again, where their ids make them repeats.
            }
        }
    }

    public void Dispose() => _journal.Dispose();

    private static OutboxRecord Record(GatewayEvent e, DateTimeOffset at) => new()
    {
        Op = OutboxRecord.EventOp,
        Event = e.Id,
        At = at,
        Type = e.Type,
        Timestamp = e.Timestamp,
        Body = WebhookOutbox.Body(e),
    };
}
