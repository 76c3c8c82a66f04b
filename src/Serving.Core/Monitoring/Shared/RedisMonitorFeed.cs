using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serving.Core.Coordination;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging.Redis;
using Serving.Core.Monitoring.Performance;
using StackExchange.Redis;

namespace Serving.Core.Monitoring.Shared;

/// <summary>
/// With replicas sharing Redis, the monitors (drift, rollout analysis) are fed from the prediction log streams instead
/// of from this process's own requests, so their figures cover every replica's traffic and equal one process's figures
/// on the same traffic. Only the leader reads, through the consumer group <see cref="Group"/> (XREADGROUP), hands each
/// record to the monitors, waits until they took it in, and acknowledges it (XACK). A new leader carries on from the
/// group's position and claims what a dead consumer read and never acknowledged (XAUTOCLAIM, once idle for
/// <see cref="ClaimIdle"/>). A window still open on a leader that dies is lost with it (windows live in memory);
/// the records after it are not.
/// </summary>
public sealed class RedisMonitorFeed : BackgroundService
{
    /// <summary>The consumer group on every model's prediction stream.</summary>
    public const string Group = "monitor";

    private readonly IConnectionMultiplexer _redis;
    private readonly Func<IEnumerable<string>> _models;
    private readonly ILeadership _leadership;
    private readonly IReadOnlyList<IMonitoringConsumer> _monitors;
    private readonly Func<Task> _drainAsync;
    private readonly Func<IReadOnlyList<FeedbackItem>, FeedbackResult>? _feedback;
    private readonly ILogger _logger;
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly HashSet<string> _grouped = new(StringComparer.Ordinal);
    private DateTime _lastClaim = DateTime.MinValue;
    private bool _outageLogged;
    private long _fed;
    private long _unreadable;

    /// <param name="models">The models whose streams are read (the registry's, asked each round).</param>
    /// <param name="monitors">What each record is handed to, in order.</param>
    /// <param name="drainAsync">Waits until the monitors have worked through what they were handed (so a burst read from the stream is not dropped by a full queue).</param>
    /// <param name="feedback">Joins a feedback batch taken by any replica (<see cref="RedisFeedbackQueue"/>); null to leave that stream alone.</param>
    public RedisMonitorFeed(
        IConnectionMultiplexer redis, Func<IEnumerable<string>> models, ILeadership leadership, IReadOnlyList<IMonitoringConsumer> monitors, Func<Task> drainAsync,
        ILogger<RedisMonitorFeed> logger, Func<IReadOnlyList<FeedbackItem>, FeedbackResult>? feedback = null)
    {
        _feedback = feedback;
        _redis = redis;
        _models = models;
        _leadership = leadership;
        _monitors = monitors;
        _drainAsync = drainAsync;
        _logger = logger;
    }

    /// <summary>How long an entry read but not acknowledged must wait before the leader takes it from its consumer.</summary>
    public TimeSpan ClaimIdle { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The pause after a round that found nothing to read.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Entries read per stream per round.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Records handed to the monitors since start.</summary>
    public long Fed => Interlocked.Read(ref _fed);

    /// <summary>Entries that were not a readable prediction record (acknowledged and left out).</summary>
    public long Unreadable => Interlocked.Read(ref _unreadable);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var read = 0;
                if (_leadership.IsLeader)
                    read = await RoundAsync().ConfigureAwait(false);
                if (read == 0)
                    await Task.Delay(Interval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was read and not acknowledged is claimed by the next leader.
        }
    }

    /// <summary>One round over every model's stream; the number of entries read. Internal so tests can step it.</summary>
    internal async Task<int> RoundAsync()
    {
        try
        {
            var database = _redis.GetDatabase();
            var keys = _models().Select(RedisPredictionStreams.KeyOf).ToList();
            var groups = _feedback is null ? keys : [.. keys, RedisFeedbackQueue.Stream];
            foreach (var key in groups.Where(k => !_grouped.Contains(k)))
            {
                // From the start of what the stream keeps: records logged before any leader read are counted too.
                await RedisStreamGroups.EnsureAsync(database, key, Group).ConfigureAwait(false);
                _grouped.Add(key);
            }

            var read = 0;
            if (DateTime.UtcNow - _lastClaim >= ClaimIdle)
            {
                foreach (var key in keys)
                {
                    var claimed = await database.StreamAutoClaimAsync(key, Group, _consumer, (long)ClaimIdle.TotalMilliseconds, "0-0", BatchSize).ConfigureAwait(false);
                    read += await FeedAsync(database, key, claimed.ClaimedEntries).ConfigureAwait(false);
                }

                _lastClaim = DateTime.UtcNow;
            }

            if (keys.Count > 0)
            {
                var streams = await database.StreamReadGroupAsync([.. keys.Select(k => new StreamPosition(k, StreamPosition.NewMessages))], Group, _consumer, BatchSize).ConfigureAwait(false);
                foreach (var stream in streams)
                    read += await FeedAsync(database, stream.Key!, stream.Entries).ConfigureAwait(false);
            }

            // Feedback after the predictions read in this round, so labels find what was logged before them.
            if (_feedback is not null)
            {
                if (read == 0)
                {
                    var claimed = await database.StreamAutoClaimAsync(RedisFeedbackQueue.Stream, Group, _consumer, (long)ClaimIdle.TotalMilliseconds, "0-0", BatchSize).ConfigureAwait(false);
                    read += await JoinFeedbackAsync(database, claimed.ClaimedEntries).ConfigureAwait(false);
                }

                var batches = await database.StreamReadGroupAsync(RedisFeedbackQueue.Stream, Group, _consumer, StreamPosition.NewMessages, BatchSize).ConfigureAwait(false);
                read += await JoinFeedbackAsync(database, batches).ConfigureAwait(false);
            }

            _outageLogged = false;
            return read;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // A restarted Redis may have come back without the groups: they are made again.
            _grouped.Clear();
            if (!_outageLogged)
                MonitorFeedLog.Unavailable(_logger, ex.Message);
            _outageLogged = true;
            return 0;
        }
    }

    private async Task<int> JoinFeedbackAsync(IDatabase database, StreamEntry[] entries)
    {
        if (entries.Length == 0)
            return 0;
        foreach (var entry in entries)
        {
            var json = entry[RedisFeedbackQueue.ItemsField];
            List<FeedbackItem> items;
            try
            {
                items = json.IsNull ? [] : FeedbackJson.ReadItems(((ReadOnlyMemory<byte>)json).Span);
            }
            catch (System.Text.Json.JsonException)
            {
                Interlocked.Increment(ref _unreadable);
                continue;
            }

            await RedisFeedbackQueue.SaveResultAsync(database, entry.Id, _feedback!(items)).ConfigureAwait(false);
        }

        await database.StreamAcknowledgeAsync(RedisFeedbackQueue.Stream, Group, [.. entries.Select(e => e.Id)]).ConfigureAwait(false);
        return entries.Length;
    }

    private async Task<int> FeedAsync(IDatabase database, string key, StreamEntry[] entries)
    {
        if (entries.Length == 0)
            return 0;
        foreach (var entry in entries)
        {
            var json = entry[RedisPredictionStreams.RecordField];
            if (json.IsNull || LoggedRecordReader.Read(((ReadOnlyMemory<byte>)json).Span) is not { } record)
            {
                Interlocked.Increment(ref _unreadable);
                continue;
            }

            foreach (var monitor in _monitors)
                monitor.Consume(record);
            Interlocked.Increment(ref _fed);
        }

        // Acknowledged once the monitors worked it in: a leader that dies before leaves it to be claimed.
        await _drainAsync().ConfigureAwait(false);
        await database.StreamAcknowledgeAsync(key, Group, [.. entries.Select(e => e.Id)]).ConfigureAwait(false);
        return entries.Length;
    }
}
