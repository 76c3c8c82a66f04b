using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serving.Core.Coordination;
using Serving.Core.Events.Webhooks;
using StackExchange.Redis;

namespace Serving.Core.Events.Outbox.Redis;

/// <summary>
/// Moves webhook work between this replica and Redis, on every replica: hands events held during an outage to
/// Redis, and copies each change of a delivery this replica made (attempts, finished) into the event's hash. On the
/// leader only, it also reads the shared stream through the consumer group <see cref="RedisOutboxKeys.Group"/>: each
/// new event goes into this replica's own outbox (leaving out subscriptions another leader already finished), where the
/// deliverer sends it; an entry is acknowledged once every delivery of its event is finished and that is in Redis.
/// Entries a dead or deposed leader left unacknowledged are claimed (XAUTOCLAIM) once idle for <see cref="ClaimIdle"/>.
/// </summary>
public sealed class RedisOutboxRelay : BackgroundService
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisWebhookEvents _events;
    private readonly WebhookOutbox _outbox;
    private readonly ILeadership _leadership;
    private readonly ILogger _logger;
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<(string Event, string Subscription), byte> _dirty = new();
    private readonly Dictionary<string, List<RedisValue>> _unacknowledged = new(StringComparer.Ordinal);
    private readonly HashSet<RedisValue> _taken = [];
    private readonly SemaphoreSlim _wake = new(0);
    private bool _groupReady;
    private bool _outageLogged;
    private RedisValue _claimFrom = "0-0";
    private DateTime _lastClaim = DateTime.MinValue;

    public RedisOutboxRelay(IConnectionMultiplexer redis, RedisWebhookEvents events, WebhookOutbox outbox, ILeadership leadership, ILogger<RedisOutboxRelay> logger)
    {
        _redis = redis;
        _events = events;
        _outbox = outbox;
        _leadership = leadership;
        _logger = logger;
    }

    /// <summary>How long a stream entry must have been idle before the leader takes it from whoever had it.</summary>
    public TimeSpan ClaimIdle { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest pause between rounds (a change or a held event starts one sooner).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _outbox.Changed += OnChanged;
        _events.Held += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RoundAsync().ConfigureAwait(false);
                await _wake.WaitAsync(Interval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was not copied yet is copied below, once, if Redis answers.
        }
        finally
        {
            _outbox.Changed -= OnChanged;
            _events.Held -= Wake;
        }

        await RoundAsync(readStream: false).ConfigureAwait(false);
    }

    /// <summary>One pass: held events, delivery changes, and (on the leader) the stream. Internal so tests can step it.</summary>
    internal async Task RoundAsync(bool readStream = true)
    {
        try
        {
            await _events.FlushHeldAsync().ConfigureAwait(false);
            await MirrorAsync().ConfigureAwait(false);
            if (readStream && _leadership.IsLeader)
                await ReadStreamAsync().ConfigureAwait(false);
            _outageLogged = false;
        }
        catch (Exception ex) when (RedisWebhookEvents.IsOutage(ex))
        {
            // A restarted Redis may have lost the group with everything else; it is made again on the next round.
            _groupReady = false;
            if (!_outageLogged)
                RedisOutboxLog.Unavailable(_logger, ex.Message);
            _outageLogged = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RedisOutboxLog.Crashed(_logger, ex);
        }
    }

    private void OnChanged(string eventId, string subscription)
    {
        _dirty[(eventId, subscription)] = 0;
        Wake();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
            _wake.Release();
    }

    private async Task MirrorAsync()
    {
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in _dirty.Keys)
        {
            if (!_dirty.TryRemove(key, out _))
                continue;
            if (_outbox.Deliveries(key.Event, key.Subscription, 1) is not [var view])
                continue;
            try
            {
                await _events.SaveAsync(view).ConfigureAwait(false);
            }
            catch
            {
                _dirty[key] = 0;
                throw;
            }

            touched.Add(key.Event);
        }

        foreach (var eventId in touched)
            await AcknowledgeIfSettledAsync(eventId).ConfigureAwait(false);
    }

    private async Task ReadStreamAsync()
    {
        var database = _redis.GetDatabase();
        if (!_groupReady)
        {
            await RedisStreamGroups.EnsureAsync(database, RedisOutboxKeys.Stream, RedisOutboxKeys.Group).ConfigureAwait(false);
            _groupReady = true;
        }

        if (DateTime.UtcNow - _lastClaim >= ClaimIdle)
        {
            var claimed = await database.StreamAutoClaimAsync(RedisOutboxKeys.Stream, RedisOutboxKeys.Group, _consumer, (long)ClaimIdle.TotalMilliseconds, _claimFrom, 100).ConfigureAwait(false);
            foreach (var entry in claimed.ClaimedEntries)
                await TakeAsync(entry).ConfigureAwait(false);
            _claimFrom = claimed.NextStartId;
            if (_claimFrom == "0-0")
                _lastClaim = DateTime.UtcNow;
        }

        var entries = await database.StreamReadGroupAsync(RedisOutboxKeys.Stream, RedisOutboxKeys.Group, _consumer, ">", 100).ConfigureAwait(false);
        foreach (var entry in entries)
            await TakeAsync(entry).ConfigureAwait(false);
    }

    private async Task TakeAsync(StreamEntry entry)
    {
        // Claimed back from itself (a delivery still being retried): it is already in the outbox.
        if (entry.IsNull || !_taken.Add(entry.Id))
            return;
        var eventId = entry["id"].ToString();
        var op = entry["op"].ToString();
        var stored = string.IsNullOrEmpty(eventId) ? null : await _events.ReadAsync(eventId).ConfigureAwait(false);
        if (stored is not { } found)
        {
            // Expired or never whole: nothing to deliver.
            await _redis.GetDatabase().StreamAcknowledgeAsync(RedisOutboxKeys.Stream, RedisOutboxKeys.Group, entry.Id).ConfigureAwait(false);
            _taken.Remove(entry.Id);
            return;
        }

        if (!_unacknowledged.TryGetValue(eventId, out var ids))
            _unacknowledged[eventId] = ids = [];
        ids.Add(entry.Id);

        _outbox.Append(found.Event, found.Finished);
        if (op == "redeliver")
        {
            var subscription = entry["subscription"].ToString();
            try
            {
                _outbox.Redeliver(eventId, string.IsNullOrEmpty(subscription) ? null : subscription);
            }
            catch (WebhookSubscriptionException ex)
            {
                RedisOutboxLog.RedeliverSkipped(_logger, eventId, subscription, ex.Message);
            }
        }

        RedisOutboxLog.Imported(_logger, eventId, op, found.Finished.Count);
        await AcknowledgeIfSettledAsync(eventId).ConfigureAwait(false);
    }

    private async Task AcknowledgeIfSettledAsync(string eventId)
    {
        if (!_unacknowledged.TryGetValue(eventId, out var ids) || !_outbox.IsSettled(eventId) || _dirty.Keys.Any(k => k.Event == eventId))
            return;
        await _redis.GetDatabase().StreamAcknowledgeAsync(RedisOutboxKeys.Stream, RedisOutboxKeys.Group, [.. ids]).ConfigureAwait(false);
        _unacknowledged.Remove(eventId);
        foreach (var id in ids)
            _taken.Remove(id);
    }
}
