using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serving.Core.Coordination;
using Serving.Core.Monitoring.Logging.Redis;
using Serving.Core.Routing;
using Serving.Core.Routing.Redis;
using Serving.Core.Tests.Coordination;
using StackExchange.Redis;

namespace Serving.Core.Tests.Routing.Redis;

/// <summary>Deployment state shared by replicas through a real redis-server: changes reach the others, fencing refuses an old leader, outages defer writes.</summary>
public sealed class RedisDeploymentStateStoreTests : IDisposable
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoRollouts = new Dictionary<string, JsonElement>();

    private readonly string _folder = Directory.CreateTempSubdirectory("shared-state-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_change_saved_by_one_replica_reaches_the_other_with_its_version_and_is_not_handed_back_to_its_writer()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        using var writer = Store(connection, SingleProcessLeadership.Instance, "a");
        using var reader = Store(connection, SingleProcessLeadership.Instance, "b");
        Assert.Empty(reader.LoadAll().State.Deployments);
        var seenByWriter = Changes(writer);
        var seenByReader = Changes(reader);

        writer.Save(Table(("iris", 1, 2, 10)), NoRollouts);
        Assert.True(await reader.RefreshAsync());
        Assert.True(await writer.RefreshAsync());

        var (state, models) = Assert.Single(seenByReader);
        Assert.Equal(["iris"], models);
        var deployment = Assert.Single(state.Deployments);
        Assert.Equal((1, (int?)2, 10), (deployment.Spec.Stable, deployment.Spec.Canary, deployment.Spec.CanaryWeight));
        Assert.Empty(seenByWriter);
        Assert.Equal(writer.Version, reader.Version);

        // Applied, the same state is not handed over again; only a new change is.
        reader.Applied(models);
        Assert.True(await reader.RefreshAsync());
        Assert.Single(seenByReader);
        writer.Save(Table(("iris", 1, 2, 50)), NoRollouts);
        Assert.True(await reader.RefreshAsync());
        Assert.Equal(50, Assert.Single(seenByReader[1].State.Deployments).Spec.CanaryWeight);

        // The stored document carries its version.
        using var stored = JsonDocument.Parse((string)(await connection.GetDatabase().HashGetAsync(RedisKeys.Deployments, "iris"))!);
        Assert.Equal(writer.Version, stored.RootElement.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task An_old_leaders_late_write_is_refused_by_the_fencing_token_and_the_new_leaders_write_is_taken()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        using var leaders = await TwoLeadersAsync(connection, connection);
        var (oldLease, newLease, oldLeader, newLeader) = (leaders.OldLease, leaders.NewLease, leaders.Old, leaders.New);

        // The old leader stalls past its lease (a long pause); the other replica takes over with a larger token.
        await Task.Delay(TimeSpan.FromMilliseconds(1300), TestContext.Current.CancellationToken);
        Assert.True(await newLease.StepAsync(TestContext.Current.CancellationToken));
        Assert.True(newLease.FencingToken > oldLease.FencingToken);

        // The old leader wakes up and writes the step it was about to take, still carrying its old token.
        using (FencedWrites.Begin())
        {
            oldLeader.Save(Table(("iris", 1, 2, 50)), NoRollouts);
        }

        Assert.Equal(1, oldLeader.FencedRefusals);
        Assert.Equal(10, Stored(newLeader).CanaryWeight);

        using (FencedWrites.Begin())
        {
            newLeader.Save(Table(("iris", 1, 2, 25)), NoRollouts);
        }

        Assert.Equal(0, newLeader.FencedRefusals);
        Assert.Equal(25, Stored(newLeader).CanaryWeight);

        // The refused replica takes the shared state as it is, whatever its version.
        var seen = Changes(oldLeader);
        Assert.True(await oldLeader.RefreshAsync());
        Assert.Equal(25, Assert.Single(Assert.Single(seen).State.Deployments).Spec.CanaryWeight);
    }

    [Fact]
    public async Task A_leaders_step_owed_through_a_partition_is_still_refused_once_a_newer_leader_has_written()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var relay = new TcpRelay(redis.Port);
        using var cutOff = await RedisConnectionFactory.ConnectAsync(RedisServer.ConfigurationAt(relay.Port));
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        using var leaders = await TwoLeadersAsync(cutOff, connection);
        var (newLease, oldLeader, newLeader) = (leaders.NewLease, leaders.Old, leaders.New);

        // The old leader loses Redis (Redis itself and its data carry on) and, not knowing yet, takes a step: owed.
        relay.Cut();
        await WaitUntilAsync(() => !cutOff.IsConnected);
        using (FencedWrites.Begin())
        {
            oldLeader.Save(Table(("iris", 1, 2, 50)), NoRollouts);
        }

        Assert.Equal(1, oldLeader.WriteFailures);

        // Its lease runs out; the other replica takes over and decides otherwise.
        await Task.Delay(TimeSpan.FromMilliseconds(1300), TestContext.Current.CancellationToken);
        Assert.True(await newLease.StepAsync(TestContext.Current.CancellationToken));
        using (FencedWrites.Begin())
        {
            newLeader.Save(Table(("iris", 1, null, 0)), NoRollouts);
        }

        // The partition heals: the owed step goes out under the token it was taken with, and is refused.
        relay.Restore();
        await WaitUntilAsync(() => cutOff.IsConnected);
        var seen = Changes(oldLeader);
        Assert.True(await oldLeader.RefreshAsync());
        Assert.Equal(1, oldLeader.FencedRefusals);
        Assert.Null(Stored(newLeader).Canary);

        // And the old leader comes round to the new leader's decision in the same re-read.
        Assert.Null(Assert.Single(Assert.Single(seen).State.Deployments).Spec.Canary);
    }

    [Fact]
    public async Task An_admins_change_owed_through_a_partition_is_written_unfenced_once_redis_answers()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var relay = new TcpRelay(redis.Port);
        using var cutOff = await RedisConnectionFactory.ConnectAsync(RedisServer.ConfigurationAt(relay.Port));
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        using var lease = RedisLeaderLeaseTests.Lease(connection, seconds: 5);
        using var follower = Store(cutOff, SingleProcessLeadership.Instance, "follower");
        using var leader = Store(connection, lease, "leader");
        Assert.True(await lease.StepAsync(TestContext.Current.CancellationToken));
        using (FencedWrites.Begin())
        {
            leader.Save(Table(("iris", 1, null, 0)), NoRollouts);
        }

        // An admin's change on a replica that cannot reach Redis is not a leader's step: no token can refuse it.
        relay.Cut();
        await WaitUntilAsync(() => !cutOff.IsConnected);
        follower.Save(Table(("iris", 3, null, 0)), NoRollouts);
        relay.Restore();
        await WaitUntilAsync(() => cutOff.IsConnected);
        Assert.True(await follower.RefreshAsync());

        Assert.Equal(0, follower.FencedRefusals);
        Assert.Equal(3, Stored(leader).Stable);
    }

    [Fact]
    public async Task A_change_made_while_redis_is_down_serves_from_the_local_copy_and_is_written_once_redis_is_back()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        using var store = Store(connection, SingleProcessLeadership.Instance, "a");
        store.Save(Table(("iris", 1, null, 0)), NoRollouts);

        redis.Kill();
        await WaitUntilAsync(() => !connection.IsConnected);
        store.Save(Table(("iris", 2, null, 0)), NoRollouts);
        Assert.Equal(1, store.WriteFailures);
        Assert.False(await store.RefreshAsync());

        // Another replica starting now serves the last state it knew (its file), not nothing.
        using var starting = Store(connection, SingleProcessLeadership.Instance, "a");
        Assert.Equal(2, Assert.Single(starting.LoadAll().State.Deployments).Spec.Stable);

        await redis.RestartAsync();
        await WaitUntilAsync(() => connection.IsConnected);
        Assert.True(await store.RefreshAsync());
        using var other = Store(connection, SingleProcessLeadership.Instance, "b");
        Assert.Equal(2, Stored(other).Stable);
    }

    [Fact]
    public async Task A_change_written_after_redis_restarted_empty_reaches_a_replica_that_knew_a_higher_version_from_before()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        using var writer = Store(connection, SingleProcessLeadership.Instance, "a");
        using var reader = Store(connection, SingleProcessLeadership.Instance, "b");
        var seen = Changes(reader);
        writer.Save(Table(("iris", 1, null, 0)), NoRollouts);
        writer.Save(Table(("iris", 2, null, 0)), NoRollouts);
        writer.Save(Table(("iris", 3, null, 0)), NoRollouts);
        Assert.True(await reader.RefreshAsync());
        reader.Applied(Assert.Single(seen).Models);
        Assert.Equal(3, reader.Version);

        // Redis comes back without persistence: its version counter starts again at 0, below what the reader knows.
        redis.Kill();
        await WaitUntilAsync(() => !connection.IsConnected);
        await redis.RestartAsync();
        await WaitUntilAsync(() => connection.IsConnected);
        writer.Save(Table(("iris", 4, null, 0)), NoRollouts);

        Assert.True(await reader.RefreshAsync());
        Assert.Equal(2, seen.Count);
        Assert.Equal(4, Assert.Single(seen[1].State.Deployments).Spec.Stable);

        // The version seen counts in the new data's epoch, as the writer's does.
        Assert.Equal(1, writer.Version);
        Assert.Equal(1, reader.Version);

        // Taken once: the same state is not handed over again, and a further change still is.
        reader.Applied(seen[1].Models);
        Assert.True(await reader.RefreshAsync());
        Assert.Equal(2, seen.Count);
        writer.Save(Table(("iris", 1, null, 0)), NoRollouts);
        Assert.True(await reader.RefreshAsync());
        Assert.Equal(1, Assert.Single(seen[2].State.Deployments).Spec.Stable);
    }

    /// <summary>
    /// Two replicas on one-second leases, each with its store: the old leader (on <paramref name="oldConnection"/>) has
    /// taken the lease and written a canary at weight 10 under its token; the new one has not led yet.
    /// </summary>
    private async Task<Leaders> TwoLeadersAsync(IConnectionMultiplexer oldConnection, IConnectionMultiplexer newConnection)
    {
        var leaders = new Leaders(RedisLeaderLeaseTests.Lease(oldConnection, seconds: 1), RedisLeaderLeaseTests.Lease(newConnection, seconds: 1));
        leaders.Old = Store(oldConnection, leaders.OldLease, "old");
        leaders.New = Store(newConnection, leaders.NewLease, "new");
        Assert.True(await leaders.OldLease.StepAsync(TestContext.Current.CancellationToken));
        using (FencedWrites.Begin())
        {
            leaders.Old.Save(Table(("iris", 1, 2, 10)), NoRollouts);
        }

        return leaders;
    }

    private static DeploymentSpec Stored(RedisDeploymentStateStore store) => Assert.Single(store.LoadAll().State.Deployments).Spec;

    private static List<(DeploymentStore.SavedState State, IReadOnlyCollection<string> Models)> Changes(RedisDeploymentStateStore store)
    {
        var seen = new List<(DeploymentStore.SavedState, IReadOnlyCollection<string>)>();
        store.ChangedElsewhere += (state, models) => seen.Add((state, models));
        return seen;
    }

    private static DeploymentTable Table(params (string Model, int Stable, int? Canary, int Weight)[] deployments)
    {
        var table = DeploymentTable.Empty;
        foreach (var (model, stable, canary, weight) in deployments)
        {
            table = table.With(new ModelDeployment { Model = model, Spec = new DeploymentSpec { Stable = stable, Canary = canary, CanaryWeight = weight } });
        }

        return table;
    }

    private RedisDeploymentStateStore Store(IConnectionMultiplexer connection, ILeadership leadership, string replica) =>
        new(connection, leadership, new SharedDeploymentOptions(), Path.Combine(_folder, replica, "deployments.json"), TimeProvider.System, NullLogger<RedisDeploymentStateStore>.Instance);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 15 s");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private sealed class Leaders(RedisLeaderLease oldLease, RedisLeaderLease newLease) : IDisposable
    {
        public RedisLeaderLease OldLease { get; } = oldLease;

        public RedisLeaderLease NewLease { get; } = newLease;

        public RedisDeploymentStateStore Old { get; set; } = null!;

        public RedisDeploymentStateStore New { get; set; } = null!;

        public void Dispose()
        {
            Old?.Dispose();
            New?.Dispose();
            OldLease.Dispose();
            NewLease.Dispose();
        }
    }
}
