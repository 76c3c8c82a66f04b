using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serving.Core.Coordination;
using StackExchange.Redis;

namespace Serving.Core.Routing.Redis;

/// <summary>
/// Deployments and rollouts shared by every replica through Redis: one versioned JSON document per model in the
/// hash <c>serving:deployments</c>. A save writes the models that changed in one Lua script, which stamps the next
/// state version into each document and publishes it on <c>serving:deployments:changed</c>; a leader-only write
/// (inside <see cref="FencedWrites"/>) is refused there when its fencing token is below the newest leader's.
/// Every replica re-reads the state on each message, and every <see cref="SharedDeploymentOptions.RereadSeconds"/>
/// as the safety net, and hands other replicas' changes to the deployment manager.
/// </summary>
/// <remarks>
/// Each replica also keeps the last known state in its deployments file: when Redis is away at start-up it serves
/// that, a change made meanwhile is written once Redis answers again, and an empty Redis (restarted without
/// persistence) is filled again from the leader's last known state. Such a Redis counts versions from 1 again, below
/// those the replicas remember, so every document also carries the epoch of the data it was written into
/// (<see cref="RedisKeys.DeploymentsEpoch"/>), and versions are compared only within one epoch.
/// </remarks>
public sealed class RedisDeploymentStateStore : BackgroundService, ISharedDeploymentStateStore
{
    // KEYS: hash, version, fence, epoch. ARGV: token (0 = not fenced, -1 = fill: write only models Redis lacks),
    // channel, an epoch id for an empty Redis, then model and body pairs. Returns the new version and the epoch, or
    // minus the fence when a fenced write is refused.
    private const string SaveScript = """
        local token = tonumber(ARGV[1])
        if token > 0 then
          local fence = tonumber(redis.call('GET', KEYS[3]) or '0')
          if token < fence then return {-fence, ''} end
        end
        local epoch = redis.call('GET', KEYS[4])
        if not epoch then
          epoch = ARGV[3]
          redis.call('SET', KEYS[4], epoch)
        end
        local version = redis.call('INCR', KEYS[2])
        for i = 4, #ARGV, 2 do
          if token >= 0 or redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then
            redis.call('HSET', KEYS[1], ARGV[i], '{"epoch":"' .. epoch .. '","version":' .. version .. ',' .. string.sub(ARGV[i + 1], 2))
          end
        end
        redis.call('PUBLISH', ARGV[2], version)
        return {version, epoch}
        """;

    // The token that asks the save script to write only the models Redis does not hold.
    private const long FillOnly = -1;

    private static readonly RedisKey[] SaveKeys = [RedisKeys.Deployments, RedisKeys.DeploymentsVersion, RedisKeys.Fence, RedisKeys.DeploymentsEpoch];

    // A body always names both properties, so the script can put the version in front of them.
    private static readonly JsonSerializerOptions BodyJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly Lock _gate = new();
    private readonly Lock _versionGate = new();
    private readonly IConnectionMultiplexer _redis;
    private readonly ILeadership _leadership;
    private readonly SharedDeploymentOptions _options;
    private readonly DeploymentStore _cache;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisDeploymentStateStore> _logger;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    // Per model, what this replica serves: the body and the epoch and version it was written or read at.
    private readonly Dictionary<string, Stamp> _known = new(StringComparer.Ordinal);

    // Read from Redis and handed to the manager, not yet confirmed served (Applied).
    private readonly Dictionary<string, Stamp> _pending = new(StringComparer.Ordinal);

    // The bodies of the manager's last save, and the models whose write is still owed (Redis was away), each with
    // the fencing token of the save that last changed it (0: not fenced), so a leader-only write made during an
    // outage is still refused when it reaches Redis after a newer leader took over.
    private Dictionary<string, string> _bodies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _deferred = new(StringComparer.Ordinal);

    // Models to take from Redis whatever their version (a fenced write of ours was refused).
    private readonly HashSet<string> _forced = new(StringComparer.Ordinal);
    private long _version;

    // The epoch _version counts in; null before the first stamped document.
    private string? _epoch;
    private long _lastAppliedTicks;
    private long _refusals;
    private long _writeFailures;

    // True from a failed re-read until one succeeds: an outage is said once, and its end once.
    private bool _rereadFailing;

    public RedisDeploymentStateStore(
        IConnectionMultiplexer redis,
        ILeadership leadership,
        SharedDeploymentOptions options,
        string cachePath,
        TimeProvider time,
        ILogger<RedisDeploymentStateStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _leadership = leadership;
        _options = options;
        _cache = new DeploymentStore(cachePath);
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public event Action<DeploymentStore.SavedState, IReadOnlyCollection<string>>? ChangedElsewhere;

    /// <inheritdoc />
    public string Location => $"redis {RedisKeys.Deployments}";

    /// <summary>The newest state version this replica has seen (written or read), in the newest epoch of Redis's data it has seen.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>When this replica last applied another replica's change; null before the first.</summary>
    public DateTimeOffset? LastAppliedAt => Interlocked.Read(ref _lastAppliedTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Leader-only writes refused because a newer leader's fencing token was stored.</summary>
    public long FencedRefusals => Interlocked.Read(ref _refusals);

    /// <summary>Writes that could not reach Redis (written later, when it answers).</summary>
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    /// <inheritdoc />
    public bool Exists
    {
        get
        {
            try
            {
                return !_redis.IsConnected || _redis.GetDatabase().HashLength(RedisKeys.Deployments) > 0;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Unknown: say yes, so nothing is copied over a state that may well be there.
                return true;
            }
        }
    }

    /// <inheritdoc />
    public (DeploymentStore.SavedState State, string? Problem) LoadAll()
    {
        Dictionary<string, Document> documents;
        try
        {
            documents = Read();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            SharedStateLog.LoadedFromCache(_logger, ex.Message, _cache.Path);
            return _cache.LoadAll();
        }

        lock (_gate)
        {
            foreach (var (model, document) in documents)
            {
                _known[model] = document.Stamp;
            }
        }

        return (StateOf(documents), null);
    }

    /// <inheritdoc />
    public void Save(DeploymentTable table, IReadOnlyDictionary<string, JsonElement> rollouts)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rollouts);
        var bodies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in table.Models.Keys.Union(rollouts.Keys))
        {
            bodies[model] = BodyOf(table.Find(model), rollouts.TryGetValue(model, out var rollout) ? rollout : null);
        }

        lock (_gate)
        {
            var previous = _bodies;
            _bodies = bodies;
            var token = FencedWrites.Active ? _leadership.FencingToken : 0;
            var changed = new List<string>();
            foreach (var (model, body) in bodies)
            {
                if (_deferred.ContainsKey(model))
                {
                    // Owed already: it goes out with its newest body, under the token of the save that last changed it.
                    if (!previous.TryGetValue(model, out var before) || before != body)
                    {
                        _deferred[model] = token;
                    }
                }
                else if (!_known.TryGetValue(model, out var known) || known.Body != body)
                {
                    changed.Add(model);
                }
            }

            if (!_redis.IsConnected)
            {
                // Not even tried: a command would wait for the connection's timeout, holding up the change.
                if (changed.Count > 0)
                {
                    Interlocked.Increment(ref _writeFailures);
                    if (_deferred.Count == 0)
                    {
                        SharedStateLog.WriteDeferred(_logger, string.Join(", ", changed), "not connected");
                    }
                }

                Defer(changed, token);
            }
            else
            {
                if (changed.Count > 0)
                {
                    Write(changed, token);
                }

                WriteOwed();
            }
        }

        // This replica's last known state, for a start while Redis is away.
        _cache.Save(table, rollouts);
    }

    /// <inheritdoc />
    public void Applied(IReadOnlyCollection<string> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        lock (_gate)
        {
            foreach (var model in models)
            {
                if (_pending.Remove(model, out var document))
                {
                    _known[model] = document;
                }
            }
        }

        Interlocked.Exchange(ref _lastAppliedTicks, _time.GetUtcNow().UtcTicks);
    }

    /// <summary>Re-reads the state now and hands other replicas' changes on; false when Redis did not answer.</summary>
    public async Task<bool> RefreshAsync()
    {
        Dictionary<string, Document> documents;
        List<string> changed;
        try
        {
            // Tried whatever IsConnected says: this loop may wait for the timeout, and a reconnection shows at once.
            // Awaited, not waited for: a thread blocked here is one the client's own reconnection may need.
            WriteDeferred();
            documents = Parse(await _redis.GetDatabase().HashGetAllAsync(RedisKeys.Deployments).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (!_rereadFailing)
            {
                _rereadFailing = true;
                SharedStateLog.RereadFailed(_logger, ex.Message);
            }

            return false;
        }

        if (_rereadFailing)
        {
            _rereadFailing = false;
            SharedStateLog.RereadRecovered(_logger);
        }

        lock (_gate)
        {
            if (documents.Count == 0 && _bodies.Count > 0 && _leadership.IsLeader)
            {
                // Redis lost everything (restarted without persistence): the leader's last known state fills it again,
                // but only where no replica wrote since the HGETALL (a change held back during the outage is newer).
                Write([.. _bodies.Keys], FillOnly);
                return true;
            }

            changed = [];
            foreach (var (model, document) in documents)
            {
                var known = _known.GetValueOrDefault(model);

                // Versions only compare within one epoch. Another epoch means Redis lost what this replica knew (it
                // restarted empty, counting versions from 1 again) and was written since: that write is the newer one.
                var newer = document.Epoch != known.Epoch || document.Version > known.Version;
                if (_forced.Contains(model) || (newer && document.Body != known.Body))
                {
                    _pending[model] = document.Stamp;
                    changed.Add(model);
                }
                else if (newer)
                {
                    // The same content at a newer version (a write of ours echoed back through a re-read).
                    _known[model] = document.Stamp;
                }
            }

            _forced.Clear();
        }

        if (changed.Count > 0)
        {
            SharedStateLog.AppliedElsewhere(_logger, string.Join(", ", changed), Version);
            ChangedElsewhere?.Invoke(StateOf(documents), changed);
        }

        return true;
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The multiplexer subscribes again by itself after a reconnection; the re-read covers messages missed meanwhile.
        var subscriber = _redis.GetSubscriber();
        var channel = RedisChannel.Literal(RedisKeys.DeploymentsChanged);
        try
        {
            await subscriber.SubscribeAsync(channel, (_, _) => _wake.Release()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is away at start-up: the multiplexer subscribes when it connects (it keeps what was asked).
            SharedStateLog.RereadFailed(_logger, ex.Message);
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _wake.WaitAsync(_options.Reread, stoppingToken).ConfigureAwait(false);

                // A burst of messages is one re-read.
                while (_wake.CurrentCount > 0)
                {
                    await _wake.WaitAsync(stoppingToken).ConfigureAwait(false);
                }

                try
                {
                    await RefreshAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // One failed round must not stop the loop that keeps this replica in step.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    SharedStateLog.ApplyFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        try
        {
            await subscriber.UnsubscribeAsync(channel).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Going away anyway.
        }
    }

    private void WriteDeferred()
    {
        lock (_gate)
        {
            WriteOwed();
        }
    }

    /// <summary>Writes the models still owed, one script per fencing token they were saved under; the caller holds the gate.</summary>
    private void WriteOwed()
    {
        if (_deferred.Count == 0)
        {
            return;
        }

        var count = _deferred.Count;
        var written = true;
        foreach (var group in _deferred.GroupBy(d => d.Value, d => d.Key).ToList())
        {
            written &= Write([.. group], group.Key);
        }

        if (written)
        {
            SharedStateLog.DeferredWritten(_logger, count);
        }
    }

    private void Defer(IEnumerable<string> models, long token)
    {
        foreach (var model in models)
        {
            _deferred[model] = token;
        }
    }

    /// <summary>Writes the models' bodies from the last save in one script; the caller holds the gate.</summary>
    private bool Write(IReadOnlyCollection<string> models, long token)
    {
        var arguments = new List<RedisValue> { token, RedisKeys.DeploymentsChanged, Guid.NewGuid().ToString("N") };
        var written = models.Where(_bodies.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
        foreach (var model in written)
        {
            arguments.Add(model);
            arguments.Add(_bodies[model]);
        }

        // A model the last save no longer holds owes nothing.
        foreach (var model in models)
        {
            if (!_bodies.ContainsKey(model))
            {
                _deferred.Remove(model);
            }
        }

        if (written.Count == 0)
        {
            return true;
        }

        long result;
        string epoch;
        try
        {
            var reply = (RedisResult[])_redis.GetDatabase().ScriptEvaluate(SaveScript, SaveKeys, [.. arguments])!;
            result = (long)reply[0];
            epoch = (string)reply[1]!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Interlocked.Increment(ref _writeFailures);
            if (_deferred.Count == 0)
            {
                SharedStateLog.WriteDeferred(_logger, string.Join(", ", written), ex.Message);
            }

            Defer(written, token);
            return false;
        }

        foreach (var model in written)
        {
            _deferred.Remove(model);
        }

        if (result < 0)
        {
            Interlocked.Increment(ref _refusals);
            SharedStateLog.FencedOut(_logger, string.Join(", ", written), token, -result);
            _forced.UnionWith(written);
            _wake.Release();
            return false;
        }

        if (token == FillOnly)
        {
            // Which models the fill wrote and which another replica's write kept is read back, not assumed.
            _forced.UnionWith(written);
            _wake.Release();
        }
        else
        {
            foreach (var model in written)
            {
                _known[model] = new Stamp(epoch, result, _bodies[model]);
            }
        }

        Observe(epoch, result);
        return true;
    }

    private Dictionary<string, Document> Read() => Parse(_redis.GetDatabase().HashGetAll(RedisKeys.Deployments));

    private Dictionary<string, Document> Parse(HashEntry[] entries)
    {
        var documents = new Dictionary<string, Document>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var model = entry.Name.ToString();
            try
            {
                var stored = JsonSerializer.Deserialize<StoredDocument>(entry.Value.ToString(), BodyJson)
                    ?? throw new JsonException("it is null");
                documents[model] = new Document(new Stamp(stored.Epoch, stored.Version, BodyOf(stored.Deployment, stored.Rollout)), stored.Deployment, stored.Rollout);
                Observe(stored.Epoch, stored.Version);
            }
            catch (JsonException ex)
            {
                SharedStateLog.DocumentUnreadable(_logger, model, ex.Message);
            }
        }

        return documents;
    }

    private static DeploymentStore.SavedState StateOf(Dictionary<string, Document> documents) => new(
        [.. documents.Values.Select(d => d.Deployment).OfType<ModelDeployment>()],
        documents.Where(d => d.Value.Rollout is not null).ToDictionary(d => d.Key, d => d.Value.Rollout!.Value, StringComparer.Ordinal));

    private static string BodyOf(ModelDeployment? deployment, JsonElement? rollout) =>
        JsonSerializer.Serialize(new Body(deployment, rollout), BodyJson);

    // A version of another epoch than the last one seen starts the count again: Redis came back empty.
    private void Observe(string? epoch, long version)
    {
        lock (_versionGate)
        {
            if (epoch is not null && epoch != _epoch)
            {
                _epoch = epoch;
                Interlocked.Exchange(ref _version, version);
            }
            else if (version > _version)
            {
                // Only written under this lock: no compare-and-swap loop needed, the exchange is for lock-free readers.
                Interlocked.Exchange(ref _version, version);
            }
        }
    }

    private sealed record Body(ModelDeployment? Deployment, JsonElement? Rollout);

    // Epoch is null in documents written before epochs were stamped.
    private sealed record StoredDocument(string? Epoch, long Version, ModelDeployment? Deployment, JsonElement? Rollout);

    private sealed record Document(Stamp Stamp, ModelDeployment? Deployment, JsonElement? Rollout)
    {
        public string? Epoch => Stamp.Epoch;

        public long Version => Stamp.Version;

        public string Body => Stamp.Body;
    }

    /// <summary>A model's body and where in the shared state's history it was written: the epoch (one life of Redis's data) and the version within it.</summary>
    private readonly record struct Stamp(string? Epoch, long Version, string Body);
}
