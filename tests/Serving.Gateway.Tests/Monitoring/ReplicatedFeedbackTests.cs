using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>
/// Feedback through Redis: two real gateway processes, predictions made on both, labels posted to each for the
/// other's predictions; the leader joins them all, and both replicas report the same live performance.
/// </summary>
public sealed class ReplicatedFeedbackTests
{
    private const int Rows = PerformanceGatewayFixture.WindowRows;

    [Fact]
    public async Task Labels_sent_to_any_replica_join_predictions_made_by_another_and_both_report_the_same_accuracy()
    {
        var token = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync();
        using var registry = new SampleRegistry();
        await using var replicas = await GatewayReplicas.StartAsync(2, registry.Path, new Dictionary<string, string>
        {
            ["Serving:Redis:Configuration"] = redis.Configuration,
            ["Serving:Monitoring:WindowRows"] = Rows.ToString(CultureInfo.InvariantCulture),
        });
        HttpClient[] clients = [replicas.CreateClient(0), replicas.CreateClient(1)];

        var predictions = new (string Id, int Predicted)[Rows];
        for (var row = 0; row < Rows; row++)
            predictions[row] = await PredictAsync(clients[row % 2], row, token);

        // Each replica gets the labels of the predictions the other one made.
        for (var replica = 0; replica < 2; replica++)
        {
            var feedback = string.Join(',', Enumerable.Range(0, Rows).Where(r => r % 2 != replica)
                .Select(r => $$"""{"id":"{{predictions[r].Id}}","label":{{PerformanceGatewayFixture.BreastCancerTargets[r]}}}"""));
            using var response = await clients[replica].PostAsync(new Uri("monitoring/feedback", UriKind.Relative), new StringContent("[" + feedback + "]", Encoding.UTF8, "application/json"), token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var outcome = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement;
            // Accepted, or (an id the leader has not read from the stream yet) held until its prediction arrives.
            Assert.Equal(Rows / 2, outcome.GetProperty("accepted").GetInt32() + outcome.GetProperty("unknownIds").GetInt32());
            Assert.Equal(outcome.GetProperty("unknownIds").GetInt32(), outcome.GetProperty("pending").GetInt32());
        }

        var expected = (double)Enumerable.Range(0, Rows).Count(r => predictions[r].Predicted == PerformanceGatewayFixture.BreastCancerTargets[r]) / Rows;
        foreach (var client in clients)
        {
            var version = await WaitForLabelsAsync(client, replicas);
            Assert.Equal(Rows, version.GetProperty("window").GetProperty("rows").GetInt32());
            Assert.Equal(1.0, version.GetProperty("labelCoverage").GetDouble());
            Assert.Equal(expected, version.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 12);
        }

        foreach (var client in clients)
            client.Dispose();
    }

    private static async Task<(string Id, int Predicted)> PredictAsync(HttpClient client, int row, CancellationToken token)
    {
        var body = $$"""{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","data":{{BreastCancerRows.Json(row)}}}]}""";
        using var response = await client.PostAsync(new Uri("v2/models/breast-cancer/infer", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), token);
        response.EnsureSuccessStatusCode();
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement;
        var label = json.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "label");
        return (response.Headers.GetValues("X-Prediction-Id").Single(), label.GetProperty("data")[0].GetInt32());
    }

    private static async Task<JsonElement> WaitForLabelsAsync(HttpClient client, GatewayReplicas replicas)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await client.GetStringAsync(new Uri("monitoring/models/breast-cancer/performance", UriKind.Relative));
            var versions = JsonDocument.Parse(last).RootElement.GetProperty("versions").EnumerateArray().ToList();
            if (versions.Count == 1 && versions[0].GetProperty("labels").GetInt32() == Rows)
                return versions[0].Clone();
            await Task.Delay(200);
        }

        throw new TimeoutException($"not every label joined; last report: {last}\nreplica 0:\n{replicas.OutputOf(0)}\nreplica 1:\n{replicas.OutputOf(1)}");
    }
}
