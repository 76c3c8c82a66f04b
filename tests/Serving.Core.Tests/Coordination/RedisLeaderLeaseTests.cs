using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Coordination;
using Serving.Core.Monitoring.Logging.Redis;
using StackExchange.Redis;

namespace Serving.Core.Tests.Coordination;

/// <summary>The Redis leader lease against a real redis-server: one holder at a time, a new token per term, release and expiry.</summary>
public sealed class RedisLeaderLeaseTests
{
    [Fact]
    public async Task A_release_after_the_host_gave_up_waiting_or_after_disposal_neither_waits_nor_throws()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        var lease = Lease(connection, seconds: 5);
        Assert.True(await lease.StepAsync(TestContext.Current.CancellationToken));

        // A stop past the host's time: the lease is left to run out rather than waited for.
        Assert.False(await lease.ReleaseAsync(new CancellationToken(canceled: true)));
        Assert.True(lease.IsLeader);

        // A release that ends after the host disposed the service (Redis away at shutdown) once threw
        // ObjectDisposedException out of the host's stop.
        lease.Dispose();
        Assert.True(await lease.ReleaseAsync(TestContext.Current.CancellationToken));
        Assert.False(lease.IsLeader);
    }

    [Fact]
    public async Task Only_one_of_two_replicas_leads_and_the_other_takes_over_with_a_larger_token_once_the_lease_is_released()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        using var first = Lease(connection, seconds: 5);
        using var second = Lease(connection, seconds: 5);

        Assert.True(await first.StepAsync(TestContext.Current.CancellationToken));
        Assert.False(await second.StepAsync(TestContext.Current.CancellationToken));
        Assert.True(first.IsLeader);
        Assert.False(second.IsLeader);
        var firstToken = first.FencingToken;
        Assert.True(firstToken > 0);

        // Renewal keeps it; the other still cannot take it.
        Assert.True(await first.StepAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, first.Renewals);
        Assert.False(await second.StepAsync(TestContext.Current.CancellationToken));

        var changes = new List<bool>();
        first.LeadershipChanged += changes.Add;
        Assert.True(await first.ReleaseAsync(TestContext.Current.CancellationToken));
        Assert.False(first.IsLeader);
        Assert.Equal([false], changes);

        Assert.True(await second.StepAsync(TestContext.Current.CancellationToken));
        Assert.True(second.FencingToken > firstToken, $"token {second.FencingToken} after {firstToken}");

        // The old holder finds it taken.
        Assert.False(await first.StepAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_holder_that_stops_renewing_loses_leadership_at_the_end_of_its_lease_and_another_acquires_it()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        using var stuck = Lease(connection, seconds: 1);
        using var other = Lease(connection, seconds: 1);

        Assert.True(await stuck.StepAsync(TestContext.Current.CancellationToken));
        Assert.False(await other.StepAsync(TestContext.Current.CancellationToken));

        // A paused or cut-off holder: nothing renews. By its own clock it stops leading when the lease ends.
        await Task.Delay(TimeSpan.FromMilliseconds(1300), TestContext.Current.CancellationToken);
        Assert.False(stuck.IsLeader);
        Assert.True(await other.StepAsync(TestContext.Current.CancellationToken));
        Assert.True(other.FencingToken > stuck.FencingToken);

        // Its next renewal finds the lease taken and says so.
        Assert.False(await stuck.StepAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, stuck.RenewalFailures);
    }

    [Fact]
    public async Task After_redis_restarted_empty_the_next_leaders_token_is_still_larger_than_every_token_handed_out_before()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        using var old = Lease(connection, seconds: 5);
        using var next = Lease(connection, seconds: 5);

        // A few terms, so the counter stands above what a fresh one would hand out first.
        for (var term = 0; term < 3; term++)
        {
            Assert.True(await old.StepAsync(TestContext.Current.CancellationToken));
            Assert.True(await old.ReleaseAsync(TestContext.Current.CancellationToken));
        }

        Assert.True(await old.StepAsync(TestContext.Current.CancellationToken));
        var oldToken = old.FencingToken;

        // Redis comes back without persistence: the lease and the fence counter are gone with everything else.
        redis.Kill();
        await WaitUntilAsync(() => !connection.IsConnected);
        await redis.RestartAsync();
        await WaitUntilAsync(() => connection.IsConnected);

        Assert.True(await next.StepAsync(TestContext.Current.CancellationToken));
        Assert.True(next.FencingToken > oldToken, $"token {next.FencingToken} after {oldToken}");
    }

    [Fact]
    public async Task With_redis_gone_the_holder_keeps_leading_until_its_lease_ends_then_stops()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        using var lease = Lease(connection, seconds: 2);
        Assert.True(await lease.StepAsync(TestContext.Current.CancellationToken));

        redis.Kill();
        await lease.StepAsync(TestContext.Current.CancellationToken);
        Assert.True(lease.IsLeader, "a failed renewal within the lease keeps leadership");

        await Task.Delay(TimeSpan.FromMilliseconds(2200), TestContext.Current.CancellationToken);
        Assert.False(await lease.StepAsync(TestContext.Current.CancellationToken));
        Assert.False(lease.IsLeader);
        Assert.True(lease.RenewalFailures >= 2);
    }

    [Fact]
    public void The_lease_length_is_validated()
    {
        Assert.Contains("Serving:Redis:Leadership:LeaseSeconds", Assert.Single(new LeaseOptions { LeaseSeconds = 0.5 }.Validate()), StringComparison.Ordinal);
        Assert.Empty(new LeaseOptions().Validate());
    }

    internal static RedisLeaderLease Lease(IConnectionMultiplexer connection, double seconds) =>
        new(connection, Options.Create(new LeaseOptions { LeaseSeconds = seconds }), TimeProvider.System, NullLogger<RedisLeaderLease>.Instance);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 15 s");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
