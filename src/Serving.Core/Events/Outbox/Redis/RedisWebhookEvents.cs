using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Events.Webhooks;
using StackExchange.Redis;

namespace Serving.Core.Events.Outbox.Redis;

/// <summary>
/// The webhook outbox shared through Redis. Every replica publishes here: an event is written once, keyed by its
/// stable id (a script sets the event's hash only when absent and only then adds a stream entry), so the same event
/// seen by several replicas (version.published from a shared registry) collapses into one. Only the leader reads the
/// stream (<see cref="RedisOutboxRelay"/>) and delivers; delivery states go back into the event's hash, where the
/// delivery log of every replica reads them. When Redis does not answer, events wait in <see cref="RedisOutboxBuffer"/>
/// on the disk and are handed over, in order, once it does.
/// </summary>
public sealed class RedisWebhookEvents : IGatewayEventPublisher, IWebhookEventStore, IDeliveryGuard
{
    // KEYS: event hash, stream, index. ARGV: body, type, timestamp, recordedAt, id, ttl ms, score, stream cap.
    // The index drops ids whose events have expired, so it stays as long as the delivery log.
    private const string AppendScript = """
        if redis.call('HSETNX', KEYS[1], 'body', ARGV[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], 'type', ARGV[2], 'timestamp', ARGV[3], 'recordedAt', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[8], '*', 'op', 'event', 'id', ARGV[5])
        redis.call('ZADD', KEYS[3], ARGV[7], ARGV[5])
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (tonumber(ARGV[7]) - tonumber(ARGV[6])))
        return 1
        """;

    // KEYS: event hash. ARGV: subscription, state, view JSON, force. A finished state is final unless forced (a redelivery).
    private const string SaveScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
        local current = redis.call('HGET', KEYS[1], 's:' .. ARGV[1])
        if current and current ~= 'pending' and ARGV[4] ~= '1' then return 0 end
        redis.call('HSET', KEYS[1], 's:' .. ARGV[1], ARGV[2], 'd:' .. ARGV[1], ARGV[3])
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly WebhookSubscriptionStore _subscriptions;
    private readonly RedisOutboxBuffer _buffer;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _flushing = new(1, 1);

    public RedisWebhookEvents(IConnectionMultiplexer redis, WebhookSubscriptionStore subscriptions, RedisOutboxBuffer buffer, IOptions<WebhookOptions> options, TimeProvider time, ILogger<RedisWebhookEvents> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _subscriptions = subscriptions;
        _buffer = buffer;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised when an event was held on the disk, so the relay tries to hand it over soon.</summary>
    public event Action? Held;

    /// <summary>Events held on the disk until Redis answers.</summary>
    public int HeldCount => _buffer.Count;

    /// <summary>How long an event's hash lives in Redis: the delivery log's retention plus the retry horizon.</summary>
    private TimeSpan EventLifetime => _options.DeliveryLogRetention + _options.RetryHorizon + TimeSpan.FromHours(1);

    public async ValueTask PublishAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken = default) =>
        await AppendAsync(gatewayEvent, cancellationToken).ConfigureAwait(false);

    public async ValueTask<OutboxAppend> AppendAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        ArgumentException.ThrowIfNullOrWhiteSpace(gatewayEvent.Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(gatewayEvent.Type);

        // Behind held events the new one waits too: the leader sees events in the order this replica published them.
        if (_buffer.Count == 0)
        {
            try
            {
                return await WriteAsync(gatewayEvent).ConfigureAwait(false) ? OutboxAppend.Recorded : OutboxAppend.Duplicate;
            }
            catch (Exception ex) when (IsOutage(ex))
            {
                RedisOutboxLog.Buffered(_logger, gatewayEvent.Id, gatewayEvent.Type, _buffer.Path, ex.Message);
            }
        }

        var held = _buffer.Add(gatewayEvent, _time);
        if (held == OutboxAppend.NotDurable)
            RedisOutboxLog.BufferWriteFailed(_logger, _buffer.Path, gatewayEvent.Id, "the disk refused the write");
        Held?.Invoke();
        return held;
    }

    /// <summary>Hands held events to Redis, oldest first, until none is left or Redis fails again; the number handed over.</summary>
    public async Task<int> FlushHeldAsync()
    {
        if (_buffer.Count == 0)
            return 0;
        await _flushing.WaitAsync().ConfigureAwait(false);
        try
        {
            var handed = 0;
            while (_buffer.Peek() is { } next)
            {
                await WriteAsync(next).ConfigureAwait(false);
                _buffer.RemoveFirst(_time);
                handed++;
            }

            if (handed > 0)
                RedisOutboxLog.Flushed(_logger, handed);
            return handed;
        }
        finally
        {
            _flushing.Release();
        }
    }

    public async ValueTask<IReadOnlyList<DeliveryView>> DeliveriesAsync(string? eventId, string? subscription, int limit, CancellationToken cancellationToken)
    {
        var database = _redis.GetDatabase();
        try
        {
            var ids = eventId is not null
                ? [eventId]
                : (await database.SortedSetRangeByRankAsync(RedisOutboxKeys.Index, 0, Math.Max(0, limit) - 1, Order.Descending).ConfigureAwait(false)).Select(v => v.ToString()).ToList();
            var views = new List<DeliveryView>();
            foreach (var id in ids)
            {
                if (views.Count >= limit)
                    break;
                var fields = await database.HashGetAllAsync(RedisOutboxKeys.EventKey(id)).ConfigureAwait(false);
                views.AddRange(Views(id, fields).Where(v => subscription is null || v.SubscriptionId == subscription).Take(limit - views.Count));
            }

            return views;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw new IOException($"Redis, which holds the shared delivery log, did not answer: {ex.Message}", ex);
        }
    }

    public async ValueTask<IReadOnlyList<DeliveryView>?> RedeliverAsync(string eventId, string? subscription, CancellationToken cancellationToken)
    {
        var target = subscription is null ? null
            : _subscriptions.Find(subscription) ?? throw new WebhookSubscriptionException($"no subscription '{subscription}'");
        var database = _redis.GetDatabase();
        try
        {
            var key = RedisOutboxKeys.EventKey(eventId);
            var fields = await database.HashGetAllAsync(key).ConfigureAwait(false);
            if (fields.Length == 0)
                return null;
            var now = _time.GetUtcNow();
            var chosen = Views(eventId, fields).Where(v => target is null || v.SubscriptionId == target.Id).ToList();
            if (target is not null && chosen.Count == 0)
                chosen.Add(Pending(eventId, Field(fields, "type"), target, RedisEventCodec.ParseTime(Field(fields, "recordedAt"))));
            var views = chosen.Select(v => v with { State = DeliveryState.Pending, Reason = null, UpdatedAt = now }).ToList();
            foreach (var view in views)
                await SaveAsync(database, view, force: true).ConfigureAwait(false);
            await database.StreamAddAsync(RedisOutboxKeys.Stream, [new("op", "redeliver"), new("id", eventId), new("subscription", target?.Id ?? string.Empty)]).ConfigureAwait(false);
            return views;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw new IOException($"Redis, which holds the shared outbox, did not answer: {ex.Message}", ex);
        }
    }

    public async ValueTask<string?> FinishedElsewhereAsync(string eventId, string subscription, CancellationToken cancellationToken)
    {
        try
        {
            var state = await _redis.GetDatabase().HashGetAsync(RedisOutboxKeys.EventKey(eventId), RedisOutboxKeys.StatePrefix + subscription).ConfigureAwait(false);
            return state.IsNull || state == DeliveryState.Pending ? null : state.ToString();
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            // Redis away: this leader's own outbox says pending, and a webhook late is worse than one sent twice with the same id.
            return null;
        }
    }

    /// <summary>Writes this replica's view of a delivery into Redis; a state finished there is not overwritten.</summary>
    internal Task SaveAsync(DeliveryView view) => SaveAsync(_redis.GetDatabase(), view, force: false);

    /// <summary>The stored event and the subscriptions whose deliveries are finished in Redis; null when Redis no longer has it.</summary>
    internal async Task<(GatewayEvent Event, IReadOnlySet<string> Finished)?> ReadAsync(string eventId)
    {
        var fields = await _redis.GetDatabase().HashGetAllAsync(RedisOutboxKeys.EventKey(eventId)).ConfigureAwait(false);
        if (Field(fields, "body") is not { } body || Field(fields, "type") is not { } type
            || RedisEventCodec.FromBody(eventId, type, RedisEventCodec.ParseTime(Field(fields, "timestamp")), body) is not { } gatewayEvent)
        {
            return null;
        }

        var finished = fields
            .Where(f => f.Name.ToString().StartsWith(RedisOutboxKeys.StatePrefix, StringComparison.Ordinal) && f.Value != DeliveryState.Pending)
            .Select(f => f.Name.ToString()[RedisOutboxKeys.StatePrefix.Length..])
            .ToHashSet(StringComparer.Ordinal);
        return (gatewayEvent, finished);
    }

    internal static bool IsOutage(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;

    private async Task<bool> WriteAsync(GatewayEvent gatewayEvent)
    {
        var now = _time.GetUtcNow();
        var result = await _redis.GetDatabase().ScriptEvaluateAsync(
            AppendScript,
            [RedisOutboxKeys.EventKey(gatewayEvent.Id), RedisOutboxKeys.Stream, RedisOutboxKeys.Index],
            [
                WebhookOutbox.Body(gatewayEvent),
                gatewayEvent.Type,
                RedisEventCodec.Time(gatewayEvent.Timestamp),
                RedisEventCodec.Time(now),
                gatewayEvent.Id,
                (long)EventLifetime.TotalMilliseconds,
                now.ToUnixTimeMilliseconds(),
                Math.Max(1000, _options.MaxRetainedEvents),
            ]).ConfigureAwait(false);
        return (long)result == 1;
    }

    private static async Task SaveAsync(IDatabase database, DeliveryView view, bool force) =>
        await database.ScriptEvaluateAsync(
            SaveScript,
            [RedisOutboxKeys.EventKey(view.EventId)],
            [view.SubscriptionId, view.State, RedisEventCodec.Encode(view), force ? "1" : "0"]).ConfigureAwait(false);

    /// <summary>Every delivery the hash records, and a pending one for each subscription that wants the event but has none yet.</summary>
    private List<DeliveryView> Views(string eventId, HashEntry[] fields)
    {
        if (Field(fields, "type") is not { } type)
            return [];
        var recordedAt = RedisEventCodec.ParseTime(Field(fields, "recordedAt"));
        var views = fields
            .Where(f => f.Name.ToString().StartsWith(RedisOutboxKeys.ViewPrefix, StringComparison.Ordinal))
            .Select(f => RedisEventCodec.Decode(f.Value))
            .OfType<DeliveryView>()
            .ToList();
        foreach (var subscription in _subscriptions.All.Where(s => s.Wants(type) && !views.Exists(v => v.SubscriptionId == s.Id)))
            views.Add(Pending(eventId, type, subscription, recordedAt));
        return views;
    }

    private static DeliveryView Pending(string eventId, string? type, WebhookSubscription subscription, DateTimeOffset recordedAt) =>
        new(eventId, type ?? string.Empty, subscription.Id, subscription.Url.ToString(), DeliveryState.Pending, 0, recordedAt, recordedAt, null, []);

    private static string? Field(HashEntry[] fields, string name)
    {
        foreach (var field in fields)
        {
            if (field.Name == name)
                return field.Value;
        }

        return null;
    }
}
