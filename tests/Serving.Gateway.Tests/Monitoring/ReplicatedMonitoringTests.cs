using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Core.Events;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>
/// Drift across two real gateway processes sharing a real redis-server: every replica's predictions go to the
/// shared streams, the leader's drift monitor reads them through the consumer group, and every replica's report
/// equals one process's report on the same rows; the drift episode they open gives exactly one webhook.
/// </summary>
public sealed class ReplicatedMonitoringTests
{
    // The reports are computed from the same float rows in the same windows; only summation order could differ.
    private const double Tolerance = 1e-9;

    private const string Secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

    private static IEnumerable<int> OddRows => Enumerable.Range(0, BreastCancerRows.Count).Where(i => i % 2 == 1).Take(DriftGateway.WindowRows);

    private static readonly int[] Scaled = [.. Enumerable.Range(0, 20)];

    [Fact]
    public async Task Drift_across_two_replicas_equals_one_process_on_the_same_rows_and_its_episode_sends_one_webhook()
    {
        var token = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var registry = new SampleRegistry("breast-cancer");
        await using var replicas = await GatewayReplicas.StartAsync(2, registry.Path, new Dictionary<string, string>
        {
            ["Serving:Redis:Configuration"] = redis.Configuration,
            ["Serving:Monitoring:WindowRows"] = DriftGateway.WindowRows.ToString(CultureInfo.InvariantCulture),
            ["Serving:Webhooks:Subscriptions:0:Url"] = receiver.Url.ToString(),
            ["Serving:Webhooks:Subscriptions:0:Secret"] = Secret,
        });
        using var first = replicas.CreateClient(0);
        using var second = replicas.CreateClient(1);

        // Two windows of the same shifted rows, each request to the other replica; the second window waits for the
        // first to close, so both hold exactly the rows one process's windows hold.
        await SendAlternatingAsync([first, second], OddRows, token);
        await WaitForWindowsAsync(first, 1, replicas);
        await SendAlternatingAsync([second, first], OddRows, token);
        var fromFirst = await WaitForWindowsAsync(first, 2, replicas);
        var fromSecond = await WaitForWindowsAsync(second, 2, replicas);

        await using var single = await DriftGateway.StartAsync();
        await single.SendAsync(OddRows.Concat(OddRows), Scaled);
        var expected = await single.VersionTwoAsync();

        AssertSameDrift(expected, fromFirst);
        AssertSameDrift(expected, fromSecond);
        Assert.True(fromFirst.GetProperty("datasetDrift").GetBoolean());
        Assert.Equal(fromFirst.GetProperty("episode").GetProperty("eventId").GetString(), fromSecond.GetProperty("episode").GetProperty("eventId").GetString());

        var received = await receiver.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2), token);
        var delivered = Assert.Single(receiver.Received);
        Assert.Equal(fromFirst.GetProperty("episode").GetProperty("eventId").GetString(), delivered.Id);
        using var body = JsonDocument.Parse(delivered.Body);
        Assert.Equal(GatewayEventTypes.DriftDetected, body.RootElement.GetProperty("type").GetString());
    }

    private static async Task SendAlternatingAsync(HttpClient[] clients, IEnumerable<int> rows, CancellationToken token)
    {
        var i = 0;
        foreach (var chunk in rows.Chunk(20))
        {
            var data = chunk.SelectMany(r => BreastCancerRows.Row(r).Select((v, f) => Scaled.Contains(f) ? v * 1.5f : v));
            var body = $$"""{"inputs":[{"name":"input","shape":[{{chunk.Length}},30],"datatype":"FP32","data":[{{string.Join(',', data.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}}]}]}""";
            using var response = await clients[i++ % clients.Length].PostAsync(
                new Uri("v2/models/breast-cancer/versions/2/infer", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>Polls a replica's drift report until version 2 has closed <paramref name="windows"/> windows.</summary>
    private static async Task<JsonElement> WaitForWindowsAsync(HttpClient client, int windows, GatewayReplicas replicas)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await client.GetStringAsync(new Uri("monitoring/models/breast-cancer/drift", UriKind.Relative));
            var version = JsonDocument.Parse(last).RootElement.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == "2");
            if (version.GetProperty("windowsClosed").GetInt32() >= windows)
                return version.Clone();
            await Task.Delay(200);
        }

        throw new TimeoutException($"{windows} window(s) not closed; last report: {last}\nreplica 0:\n{replicas.OutputOf(0)}\nreplica 1:\n{replicas.OutputOf(1)}");
    }

    private static void AssertSameDrift(JsonElement expected, JsonElement actual)
    {
        Assert.Equal(expected.GetProperty("windowsClosed").GetInt32(), actual.GetProperty("windowsClosed").GetInt32());
        Assert.Equal(expected.GetProperty("window").GetProperty("rows").GetInt32(), actual.GetProperty("window").GetProperty("rows").GetInt32());
        Assert.Equal(expected.GetProperty("datasetDrift").GetBoolean(), actual.GetProperty("datasetDrift").GetBoolean());
        Assert.Equal(expected.GetProperty("driftedShare").GetDouble(), actual.GetProperty("driftedShare").GetDouble(), Tolerance);
        Assert.Equal(expected.GetProperty("episode").GetProperty("openedBy").GetString(), actual.GetProperty("episode").GetProperty("openedBy").GetString());
        Assert.Equal(expected.GetProperty("episode").GetProperty("windows").GetInt32(), actual.GetProperty("episode").GetProperty("windows").GetInt32());
        var want = expected.GetProperty("features").EnumerateArray().ToList();
        var got = actual.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(want.Count, got.Count);
        for (var i = 0; i < want.Count; i++)
        {
            Assert.Equal(want[i].GetProperty("name").GetString(), got[i].GetProperty("name").GetString());
            Assert.Equal(want[i].GetProperty("drifted").GetBoolean(), got[i].GetProperty("drifted").GetBoolean());
            Assert.Equal(want[i].GetProperty("statistic").GetDouble(), got[i].GetProperty("statistic").GetDouble(), Tolerance);
            if (want[i].TryGetProperty("pValue", out var p) && p.ValueKind == JsonValueKind.Number)
                Assert.Equal(p.GetDouble(), got[i].GetProperty("pValue").GetDouble(), Tolerance);
        }
    }
}
