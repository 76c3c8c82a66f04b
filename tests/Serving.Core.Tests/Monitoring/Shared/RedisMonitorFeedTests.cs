using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Serving.Core.Coordination;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging.Redis;
using Serving.Core.Monitoring.Shared;
using Serving.Core.Tests.Monitoring.Logging.Redis;
using StackExchange.Redis;

namespace Serving.Core.Tests.Monitoring.Shared;

/// <summary>
/// The monitor feed over a real redis-server: records logged by any replica reach the leader's monitors once each,
/// through the consumer group; a follower reads nothing; a new leader goes on from the group's position and claims
/// what a dead leader read and never acknowledged.
/// </summary>
public sealed class RedisMonitorFeedTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private IConnectionMultiplexer _connection = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await RedisConnectionFactory.ConnectAsync(_redis.Configuration);
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Records_logged_by_two_replicas_reach_only_the_leaders_monitors_once_each()
    {
        var leaderSaw = new Collecting();
        var followerSaw = new Collecting();
        var leader = Feed(leaderSaw, leader: true);
        var follower = Feed(followerSaw, leader: false);
        var sink = new RedisStreamPredictionSink(_connection, 100_000);

        await sink.WriteAsync(PredictionRecords.Range(0, 50), CancellationToken.None);
        await sink.WriteAsync(PredictionRecords.Range(50, 50), CancellationToken.None);
        while (await leader.RoundAsync() > 0 | await follower.RoundAsync() > 0)
        {
        }

        Assert.Equal(PredictionRecords.Ids(0, 100), leaderSaw.Ids);
        Assert.Empty(followerSaw.Ids);
        Assert.Equal(100, leader.Fed);
        var pending = await _connection.GetDatabase().StreamPendingAsync(RedisPredictionStreams.KeyOf("m"), RedisMonitorFeed.Group);
        Assert.Equal(0, pending.PendingMessageCount);
    }

    [Fact]
    public async Task A_new_leader_goes_on_from_the_groups_position_and_claims_what_a_dead_leader_left_unacknowledged()
    {
        var sink = new RedisStreamPredictionSink(_connection, 100_000);
        var firstSaw = new Collecting();
        var first = Feed(firstSaw, leader: true);
        await sink.WriteAsync(PredictionRecords.Range(0, 30), CancellationToken.None);
        await first.RoundAsync();

        // A leader that read ten entries and died before acknowledging them (a consumer that never XACKs).
        await sink.WriteAsync(PredictionRecords.Range(30, 10), CancellationToken.None);
        var dead = await _connection.GetDatabase().StreamReadGroupAsync(RedisPredictionStreams.KeyOf("m"), RedisMonitorFeed.Group, "dead-leader", ">", 100);
        Assert.Equal(10, dead.Length);
        await sink.WriteAsync(PredictionRecords.Range(40, 20), CancellationToken.None);

        var nextSaw = new Collecting();
        var next = Feed(nextSaw, leader: true, claimIdle: TimeSpan.FromMilliseconds(200));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        while (await next.RoundAsync() > 0)
        {
        }

        Assert.Equal(PredictionRecords.Ids(0, 30), firstSaw.Ids);
        Assert.Equal(PredictionRecords.Ids(30, 30).Order(StringComparer.Ordinal), nextSaw.Ids.Order(StringComparer.Ordinal));
        var pending = await _connection.GetDatabase().StreamPendingAsync(RedisPredictionStreams.KeyOf("m"), RedisMonitorFeed.Group);
        Assert.Equal(0, pending.PendingMessageCount);
    }

    [Fact]
    public async Task After_an_outage_the_feed_makes_the_group_again_and_reads_what_was_logged_since()
    {
        var saw = new Collecting();
        var feed = Feed(saw, leader: true);
        var sink = new RedisStreamPredictionSink(_connection, 100_000);
        await sink.WriteAsync(PredictionRecords.Range(0, 5), CancellationToken.None);
        await feed.RoundAsync();

        _redis.Kill();
        Assert.Equal(0, await feed.RoundAsync());
        await _redis.RestartAsync();
        await Eventually.WriteAsync(sink, PredictionRecords.Range(5, 5), TimeSpan.FromSeconds(20));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (saw.Ids.Count < 10 && DateTime.UtcNow < deadline)
        {
            await feed.RoundAsync();
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(PredictionRecords.Ids(0, 10), saw.Ids);
    }

    private RedisMonitorFeed Feed(Collecting monitor, bool leader, TimeSpan? claimIdle = null) => new(
        _connection, () => ["m"], new FixedLeadership(leader), [monitor], () => Task.CompletedTask, NullLogger<RedisMonitorFeed>.Instance)
    {
        ClaimIdle = claimIdle ?? TimeSpan.FromSeconds(10),
    };

    private sealed class Collecting : IMonitoringConsumer
    {
        private readonly ConcurrentQueue<string> _ids = new();

        public List<string> Ids => [.. _ids];

        public void Consume(InferenceRecord record) => _ids.Enqueue(record.Request.Id!);

        public void Missed(InferenceRecord record)
        {
        }
    }

    private sealed class FixedLeadership(bool leader) : ILeadership
    {
        public bool IsLeader => leader;

        public long FencingToken => 1;
    }
}
