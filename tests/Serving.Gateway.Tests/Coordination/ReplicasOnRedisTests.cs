using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;
using Serving.Gateway.Tests.Rest.Admin;

namespace Serving.Gateway.Tests.Coordination;

/// <summary>
/// Real gateway processes sharing one real redis-server: a deployment change through any replica is served by all
/// within a second, a killed leader's rollout is finished by the next leader, and an outage of Redis costs no
/// prediction and is caught up after.
/// </summary>
public sealed class ReplicasOnRedisTests : IDisposable
{
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";

    private readonly SampleRegistry _registry = AdminRegistry.Iris(2);

    public void Dispose() => _registry.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stable_version_and_canary_weight_set_through_one_replica_are_served_by_the_others_within_one_second()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var replicas = await GatewayReplicas.StartAsync(3, _registry.Path, Settings(redis));
        var clients = Enumerable.Range(0, replicas.Count).Select(i => replicas.CreateClient(i)).ToList();
        using var first = clients[0];
        using var second = clients[1];
        using var third = clients[2];

        // Connections open and the request path warm on every replica, so the clock below times the change, not a first request.
        foreach (var client in clients)
        {
            await ServedVersionAsync(client);
        }

        foreach (var stable in new[] { 1, 2 })
        {
            await PutDeploymentAsync(first, $$"""{"stable":{{stable}}}""");
            var changed = Stopwatch.StartNew();

            // Every other replica watched at once, each timed from the moment the change was accepted.
            var delays = await Task.WhenAll(clients.Skip(1).Select(async (client, index) =>
            {
                var other = index + 1;
                await WaitUntilAsync(async () => await ServedVersionAsync(client) == stable, TimeSpan.FromSeconds(5), () => $"replica {other} serving version {stable}:\n{replicas.OutputOf(other)}");
                return changed.Elapsed;
            }));
            Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        }

        // A canary and its weight, set through another replica, reach the first, and its traffic is split.
        await PutDeploymentAsync(third, """{"stable":2,"canary":1,"canaryWeight":90}""");
        var watch = Stopwatch.StartNew();
        await WaitUntilAsync(async () => (await DeploymentAsync(first)).TryGetProperty("canaryWeight", out var weight) && weight.GetInt32() == 90, TimeSpan.FromSeconds(5), () => "replica 0 showing the canary");
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        var versions = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            versions.Add(await ServedVersionAsync(first));
        }

        // At 90% the chance that 20 requests never reach the canary is 1e-20.
        Assert.Contains(1, versions);
    }

    [Fact]
    public async Task When_the_leader_is_killed_mid_rollout_another_replica_takes_the_lease_and_finishes_the_rollout()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = Settings(redis);
        settings["Serving:Rollouts:BucketSeconds"] = "1";
        settings["Serving:Rollouts:MinRequests"] = "3";
        settings["Serving:Rollouts:FailureLimit"] = "10";
        // Latency is not what this test judges, and the machine may be busy.
        settings["Serving:Rollouts:P99SlackMs"] = "5000";
        settings["Serving:Rollouts:MaxP99Ms"] = "10000";
        await using var replicas = await GatewayReplicas.StartAsync(2, _registry.Path, settings);

        var leader = await WaitForLeaderAsync(replicas);
        var survivor = 1 - leader;
        using (var client = replicas.CreateClient(leader))
        {
            await PutDeploymentAsync(client, """{"stable":1}""");
            var start = await client.PostAsync(new Uri("admin/models/iris/rollout", UriKind.Relative), Json("""{"canary":2,"steps":[20,50],"intervalSeconds":2}"""), Token);
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        }

        replicas.Kill(leader);

        using var next = replicas.CreateClient(survivor);
        await WaitUntilAsync(async () => await IsLeaderAsync(next), TimeSpan.FromSeconds(15), () => $"replica {survivor} taking the lease:\n{replicas.OutputOf(survivor)}");

        // Traffic for the new leader to judge, until the rollout is over.
        JsonElement rollout = default;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            for (var i = 0; i < 20; i++)
            {
                await ServedVersionAsync(next);
            }

            rollout = await GetJsonAsync(next, "admin/models/iris/rollout");
            if (rollout.GetProperty("state").GetString() is "promoted" or "rolled-back" or "aborted" || DateTime.UtcNow > deadline)
            {
                break;
            }
        }

        var outcomes = rollout.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("outcome").GetString()).ToList();
        Assert.True(rollout.GetProperty("state").GetString() == "promoted", $"{rollout}\n{replicas.OutputOf(survivor)}");
        Assert.Equal("started", outcomes[0]);
        Assert.Contains("resumed", outcomes);
        Assert.Equal(2, (await DeploymentAsync(next)).GetProperty("stable").GetInt32());
        Assert.Contains(replicas.OutputOf(survivor).Split('\n'), l => l.Contains("this replica became the leader", StringComparison.Ordinal) || l.Contains("is now the leader", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_redis_down_every_replica_keeps_serving_the_last_deployment_and_changes_flow_again_once_it_is_back()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var replicas = await GatewayReplicas.StartAsync(2, _registry.Path, Settings(redis));
        using var first = replicas.CreateClient(0);
        using var second = replicas.CreateClient(1);
        await PutDeploymentAsync(first, """{"stable":1}""");
        await WaitUntilAsync(async () => await ServedVersionAsync(second) == 1, TimeSpan.FromSeconds(5), () => "replica 1 serving version 1");

        redis.Kill();
        var served = new List<int>();
        var outage = Stopwatch.StartNew();
        while (outage.Elapsed < TimeSpan.FromSeconds(3))
        {
            served.Add(await ServedVersionAsync(first));
            served.Add(await ServedVersionAsync(second));
        }

        Assert.All(served, v => Assert.Equal(1, v));

        await redis.RestartAsync();
        // The change is made through the other replica; it is written as soon as that one is connected again.
        await PutDeploymentAsync(second, """{"stable":2}""");
        await WaitUntilAsync(async () => await ServedVersionAsync(first) == 2, TimeSpan.FromSeconds(20), () => $"replica 0 serving version 2 after Redis came back:\n{replicas.OutputOf(0)}\n--- replica 1:\n{replicas.OutputOf(1)}");
        Assert.Equal(2, await ServedVersionAsync(second));
    }

    [Fact]
    public async Task A_leader_stopped_gracefully_turns_unready_first_releases_its_lease_last_and_another_replica_leads_at_once()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = Settings(redis);
        // Long enough that a successor within seconds can only come from a released lease, not an expired one.
        settings["Serving:Redis:Leadership:LeaseSeconds"] = "60";
        await using var replicas = await GatewayReplicas.StartAsync(2, _registry.Path, settings);
        var leader = await WaitForLeaderAsync(replicas);
        using var other = replicas.CreateClient(1 - leader);

        var stopped = Stopwatch.StartNew();
        Assert.Equal(0, await replicas.StopAsync(leader));
        await WaitUntilAsync(async () => await IsLeaderAsync(other), TimeSpan.FromSeconds(15), () => $"the other replica leading:\n{replicas.OutputOf(1 - leader)}");
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(30), $"took {stopped.Elapsed} to lead after a graceful stop");

        var lines = replicas.OutputOf(leader).Split('\n');
        var unready = Array.FindIndex(lines, l => l.Contains("readiness is false from now on", StringComparison.Ordinal));
        var stopping = Array.FindIndex(lines, l => l.Contains("Application is shutting down", StringComparison.Ordinal));
        var released = Array.FindIndex(lines, l => l.Contains("released the leader lease", StringComparison.Ordinal));
        Assert.True(unready >= 0 && released > unready && released > stopping, string.Join('\n', lines));
    }

    private static Dictionary<string, string> Settings(RedisServer redis) => new()
    {
        ["Serving:Redis:Configuration"] = redis.Configuration,
        ["Serving:Redis:Leadership:LeaseSeconds"] = "2",
        ["Serving:Redis:Deployments:RereadSeconds"] = "1",
    };

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task PutDeploymentAsync(HttpClient client, string body)
    {
        using var response = await client.PutAsync(new Uri("admin/models/iris/deployment", UriKind.Relative), Json(body), Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Token));
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Token)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Token);
    }

    private static Task<JsonElement> DeploymentAsync(HttpClient client) => GetJsonAsync(client, "admin/models/iris/deployment");

    /// <summary>The version that served one prediction; every prediction must succeed.</summary>
    private static async Task<int> ServedVersionAsync(HttpClient client)
    {
        using var response = await client.PostAsync(new Uri("v2/models/iris/infer", UriKind.Relative), Json(IrisRow), Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        return int.Parse(document.RootElement.GetProperty("model_version").GetString()!, CultureInfo.InvariantCulture);
    }

    private static async Task<bool> IsLeaderAsync(HttpClient client)
    {
        var metrics = await client.GetStringAsync(new Uri("metrics", UriKind.Relative), Token);
        return metrics.Split('\n').Any(l => l.Trim() == "serving_leader 1");
    }

    private static async Task<int> WaitForLeaderAsync(GatewayReplicas replicas)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < replicas.Count; i++)
            {
                using var client = replicas.CreateClient(i);
                if (await IsLeaderAsync(client))
                {
                    return i;
                }
            }

            await Task.Delay(100, Token);
        }

        throw new TimeoutException("no replica became the leader within 15 s");
    }

    /// <summary>Polls <paramref name="condition"/>; <paramref name="what"/> is asked only on failure, so replica output in it is read then, not when the wait began.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"not within {timeout.TotalSeconds} s: {what()}");
            }

            await Task.Delay(20, Token);
        }
    }
}
