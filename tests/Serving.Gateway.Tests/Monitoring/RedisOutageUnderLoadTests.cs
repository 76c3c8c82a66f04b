using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Serving.Core.Monitoring.Logging.Redis;
using Serving.Core.Monitoring.Shared;
using Serving.Gateway.Tests.Hosting;
using StackExchange.Redis;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>
/// Redis killed and started again (empty) while two real gateway processes serve a bounded load the test makes itself:
/// no prediction fails, the prediction logs hold what came during the outage and write it once Redis is back, nothing
/// is dropped, and the leader's monitor feed reads the new streams to the end on its own.
/// </summary>
public sealed class RedisOutageUnderLoadTests
{
    private const int Requests = 2000;
    private const int KillAt = 500;
    private const int RestartAt = 1500;
    private const int Concurrency = 8;
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.3,3.3,6.0,2.5]}]}""";

    [Fact]
    public async Task Redis_killed_under_load_fails_no_prediction_and_logs_and_monitoring_catch_up()
    {
        var token = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync();
        using var registry = new SampleRegistry("iris");
        await using var replicas = await GatewayReplicas.StartAsync(2, registry.Path, new Dictionary<string, string>
        {
            ["Serving:Redis:Configuration"] = redis.Configuration,
        });
        HttpClient[] clients = [replicas.CreateClient(0), replicas.CreateClient(1)];

        var next = 0;
        var failed = new ConcurrentBag<string>();
        var afterKill = new ConcurrentBag<string>();
        var killed = 0;
        var outage = Task.CompletedTask;
        async Task WorkAsync()
        {
            while (Interlocked.Increment(ref next) is var n && n <= Requests)
            {
                if (n == KillAt)
                {
                    redis.Kill();
                    Volatile.Write(ref killed, 1);
                }
                else if (n == RestartAt)
                {
                    await redis.RestartAsync();
                }

                var startedAfterKill = Volatile.Read(ref killed) == 1;
                try
                {
                    using var response = await clients[n % 2].PostAsync(new Uri("v2/models/iris/infer", UriKind.Relative), new StringContent(IrisRow, Encoding.UTF8, "application/json"), token);
                    if (response.StatusCode != HttpStatusCode.OK)
                        failed.Add($"{n}: HTTP {(int)response.StatusCode}");
                    else if (startedAfterKill)
                        afterKill.Add(response.Headers.GetValues("X-Prediction-Id").Single());
                }
                catch (HttpRequestException ex)
                {
                    failed.Add($"{n}: {ex.Message}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(WorkAsync, token)));

        Assert.Empty(failed);
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        var stream = RedisPredictionStreams.KeyOf("iris");

        // Every prediction that began after the kill was held and is written once Redis is back; none dropped.
        var logged = new HashSet<string>(StringComparer.Ordinal);
        await WaitUntilAsync(async () =>
        {
            logged = [.. (await database.StreamRangeAsync(stream)).Select(e => (string)e[RedisPredictionStreams.IdField]!)];
            return afterKill.All(logged.Contains);
        }, "the held predictions reach the stream", replicas);
        Assert.True(logged.Count <= Requests);
        var metrics = await Task.WhenAll(clients.Select(c => c.GetStringAsync(new Uri("metrics", UriKind.Relative), token)));
        Assert.All(metrics, m => Assert.Equal(0, Counter(m, "serving_prediction_log_dropped_total")));
        // No assertion that a write failed: through a short outage the client may hold the writes in its backlog and
        // send them once Redis is back, which is as good; what matters is that none is lost or dropped.

        // The leader's feed made its group again on the empty Redis and read the stream to its end.
        await WaitUntilAsync(async () =>
        {
            var groups = await database.StreamGroupInfoAsync(stream);
            var last = await database.StreamRangeAsync(stream, "-", "+", 1, Order.Descending);
            return groups.SingleOrDefault(g => g.Name == RedisMonitorFeed.Group) is { PendingMessageCount: 0 } group
                && last.Length == 1 && group.LastDeliveredId == last[0].Id;
        }, "the monitor group reads to the end of the stream", replicas);
        foreach (var client in clients)
            client.Dispose();
    }

    private static double Counter(string metrics, string name) =>
        metrics.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(name.Length + 1)..], CultureInfo.InvariantCulture)).Single();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, GatewayReplicas replicas)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what} did not happen\nreplica 0:\n{replicas.OutputOf(0)}\nreplica 1:\n{replicas.OutputOf(1)}");
            await Task.Delay(200);
        }
    }
}
