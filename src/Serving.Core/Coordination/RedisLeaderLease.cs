using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Serving.Core.Coordination;

/// <summary>
/// Leadership as a Redis lease: <c>SET serving:leader id NX PX lease</c>, renewed by a compare-and-extend script every
/// third of the lease. Each acquisition takes a fencing token from <c>INCR serving:leader:fence</c>, a counter that
/// starts from Redis's clock in milliseconds, so tokens keep growing across a Redis that restarts without its data.
/// Leadership is lost when a renewal finds another holder, or when no renewal succeeded for a whole lease (Redis away, or this
/// process cut off or paused): <see cref="IsLeader"/> turns false at the lease's end by this process's own clock,
/// even if the renewal loop itself is stuck. Released on graceful shutdown, so a successor need not wait.
/// </summary>
public sealed class RedisLeaderLease : BackgroundService, ILeadership, ILeadershipChanges
{
    // Already ours (a reply lost on the way back): extend it and answer the token we hold. Free: take it and a new token.
    // A fence that is not there (a new Redis, or one restarted without its data) starts from Redis's clock in
    // milliseconds, not from 0: tokens of the data's former life were handed out earlier, so they stay smaller, and an
    // old leader's late write is still refused after Redis came back empty.
    private const string AcquireScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return tonumber(redis.call('GET', KEYS[2]) or '0')
        end
        if holder then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        if redis.call('EXISTS', KEYS[2]) == 0 then
          local now = redis.call('TIME')
          redis.call('SET', KEYS[2], string.format('%d', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)))
        end
        return redis.call('INCR', KEYS[2])
        """;

    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', ARGV[2], ARGV[1])
          return 1
        end
        return 0
        """;

    private static readonly RedisKey[] Keys = [RedisKeys.Leader, RedisKeys.Fence];
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(2);

    private readonly IConnectionMultiplexer _redis;
    private readonly LeaseOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisLeaderLease> _logger;
    private readonly SemaphoreSlim _step = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private bool _subscribed;
    private long _token;
    private long _validUntilTicks;
    private long _renewals;
    private long _failures;
    private bool _leader;

    public RedisLeaderLease(IConnectionMultiplexer redis, IOptions<LeaseOptions> options, TimeProvider time, ILogger<RedisLeaderLease> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Holder = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}");
    }

    /// <inheritdoc />
    public event Action<bool>? LeadershipChanged;

    /// <summary>This process's id in the lease: host, process id and a random part, unique per start.</summary>
    public string Holder { get; }

    /// <inheritdoc />
    public bool IsLeader => Volatile.Read(ref _leader) && _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _validUntilTicks);

    /// <inheritdoc />
    public long FencingToken => Interlocked.Read(ref _token);

    /// <summary>Successful renewals of a held lease.</summary>
    public long Renewals => Interlocked.Read(ref _renewals);

    /// <summary>Renewals that failed (Redis unreachable, or the lease found taken).</summary>
    public long RenewalFailures => Interlocked.Read(ref _failures);

    /// <summary>One round of the loop: renews a held lease or tries to acquire a free one; returns <see cref="IsLeader"/> after it.</summary>
    public async Task<bool> StepAsync(CancellationToken cancellationToken = default)
    {
        await _step.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The lease's end is counted from before the call: Redis started its clock no earlier than that.
            var started = _time.GetUtcNow();
            var lease = (long)_options.Lease.TotalMilliseconds;
            var db = _redis.GetDatabase();
            try
            {
                if (Volatile.Read(ref _leader))
                {
                    // A call Redis does not answer within one renewal period counts as a failed renewal: while Redis
                    // is away the client queues commands until its own timeout, which may be longer than the lease.
                    var renewed = (long)await db.ScriptEvaluateAsync(RenewScript, Keys, [Holder, lease]).WaitAsync(_options.RenewEvery, cancellationToken).ConfigureAwait(false) == 1;
                    if (renewed && started.UtcTicks < Interlocked.Read(ref _validUntilTicks))
                    {
                        Interlocked.Exchange(ref _validUntilTicks, (started + _options.Lease).UtcTicks);
                        Interlocked.Increment(ref _renewals);
                    }
                    else
                    {
                        Interlocked.Increment(ref _failures);
                        Lose(renewed ? "the lease ran out before it was renewed" : "another replica holds the lease");
                    }
                }
                else
                {
                    var token = (long)await db.ScriptEvaluateAsync(AcquireScript, Keys, [Holder, lease]).WaitAsync(_options.RenewEvery, cancellationToken).ConfigureAwait(false);
                    if (token > 0)
                    {
                        Interlocked.Exchange(ref _token, token);
                        Interlocked.Exchange(ref _validUntilTicks, (started + _options.Lease).UtcTicks);
                        Volatile.Write(ref _leader, true);
                        CoordinationLog.Acquired(_logger, Holder, token, _options.LeaseSeconds);
                        Raise(true);
                    }
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                CoordinationLog.LeaseCallFailed(_logger, ex.Message);
                if (Volatile.Read(ref _leader))
                {
                    Interlocked.Increment(ref _failures);
                    if (!IsLeader)
                    {
                        Lose($"no renewal succeeded for a whole lease ({_options.LeaseSeconds.ToString(CultureInfo.InvariantCulture)} s): {ex.Message}");
                    }
                }
            }

            return IsLeader;
        }
        finally
        {
            _step.Release();
        }
    }

    /// <summary>Gives the lease up if this process holds it, so another replica leads at once; false when it did not hold it or Redis did not answer.</summary>
    public async Task<bool> ReleaseAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // A step may still hold the gate (a renewal waiting on a Redis that is away): a shutdown past its time
            // does not wait for it, and the lease simply runs out.
            await _step.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            if (!Volatile.Read(ref _leader))
            {
                return false;
            }

            var token = FencingToken;
            Volatile.Write(ref _leader, false);
            Raise(false);
            try
            {
                // Bounded: with Redis away the lease simply runs out, and the shutdown goes on.
                var released = (long)await _redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, Keys, [Holder, RedisKeys.LeaderReleased]).WaitAsync(ReleaseTimeout).ConfigureAwait(false) == 1;
                if (released)
                {
                    CoordinationLog.Released(_logger, Holder, token);
                }

                return released;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // The lease then simply runs out.
                CoordinationLog.LeaseCallFailed(_logger, ex.Message);
                return false;
            }
        }
        finally
        {
            _step.Release();
        }
    }

    /// <summary>Stops renewing, then releases the lease: registered first, this runs after every other part has stopped.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await ReleaseAsync(cancellationToken).ConfigureAwait(false);
    }

    // The semaphores are not disposed: a step or a release still running when the host gives up waiting (Redis away
    // at shutdown) releases its gate afterwards, and a disposed one threw there, out of the host's stop. A
    // SemaphoreSlim holds no handle to free unless AvailableWaitHandle is used, which nothing here does.
    public override void Dispose() => base.Dispose();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await SubscribeAsync().ConfigureAwait(false);
                await StepAsync(stoppingToken).ConfigureAwait(false);
                await WaitForNextStepAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync releases the lease.
        }
    }

    // A leader that gives the lease up says so; followers then try at once instead of a renewal period later (a third
    // of a lease that may be a minute long). The client subscribes again by itself after a reconnect.
    private async Task SubscribeAsync()
    {
        if (_subscribed)
        {
            return;
        }

        try
        {
            await _redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.LeaderReleased), (_, _) =>
            {
                if (_wake.CurrentCount == 0)
                {
                    try
                    {
                        _wake.Release();
                    }
                    catch (SemaphoreFullException)
                    {
                        // Another release message woke the loop already.
                    }
                }
            }).WaitAsync(_options.RenewEvery).ConfigureAwait(false);
            _subscribed = true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            CoordinationLog.LeaseCallFailed(_logger, ex.Message);
        }
    }

    private async Task WaitForNextStepAsync(CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(_options.RenewEvery, _time, wait.Token);
        var woken = _wake.WaitAsync(wait.Token);
        await Task.WhenAny(delay, woken).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
    }

    private void Lose(string reason)
    {
        Volatile.Write(ref _leader, false);
        CoordinationLog.Lost(_logger, Holder, FencingToken, reason);
        Raise(false);
    }

    private void Raise(bool leader)
    {
        try
        {
            LeadershipChanged?.Invoke(leader);
        }
#pragma warning disable CA1031 // A handler's fault must not stop the lease loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            CoordinationLog.HandlerFailed(_logger, leader, ex);
        }
    }
}
