using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Oip;

/// <summary>
/// OIP REST against a real gateway whose breast-cancer model batches: concurrent requests share runtime calls, yet
/// each answer carries its own id, version and rows, and a bad request is refused alone.
/// </summary>
public sealed class BatchingRestTests : IAsyncLifetime
{
    private const int Callers = 16;
    private const string AdminKey = "admin-key-batching-test";

    private readonly SampleRegistry _registry = new("breast-cancer");
    private GatewayHost _host = null!;
    private HttpClient _rest = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // A delay long enough that concurrent callers on a busy 2-core machine still meet in one batch.
        _host = await new GatewayHost(_registry.Path, new Dictionary<string, string?>
        {
            ["Serving:Models:breast-cancer:Batching:Enabled"] = "true",
            ["Serving:Models:breast-cancer:Batching:MaxBatchSize"] = Callers.ToString(CultureInfo.InvariantCulture),
            ["Serving:Models:breast-cancer:Batching:MaxQueueDelayMicroseconds"] = "50000",
            ["Serving:Models:breast-cancer:Batching:PreferredBatchSizes:0"] = "8",
            ["Serving:Admin:ApiKey"] = AdminKey,
        }).StartAsync();
        _rest = _host.CreateRestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _rest.Dispose();
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    private static string Body(string id, int row) =>
        $$"""{"id":"{{id}}","inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","data":[{{BreastCancerRows.Json(row)}}]}]}""";

    private async Task<(HttpStatusCode Status, JsonElement Body)> InferAsync(string body)
    {
        using var response = await _rest.PostAsync("/v2/models/breast-cancer/infer", new StringContent(body, Encoding.UTF8, "application/json"), Cancel);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone());
    }

    private static Dictionary<string, double[]> Outputs(JsonElement body) =>
        body.GetProperty("outputs").EnumerateArray().ToDictionary(
            o => o.GetProperty("name").GetString()!,
            o => o.GetProperty("data").EnumerateArray().Select(d => d.GetDouble()).ToArray());

    private async Task<double> MetricAsync(string series)
    {
        var text = await _rest.GetStringAsync("/metrics", Cancel);
        return text.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture)).SingleOrDefault();
    }

    [Fact]
    public async Task Concurrent_callers_share_runtime_calls_and_each_gets_its_own_id_version_and_rows()
    {
        // Alone, each request is a batch of one: the unbatched answer.
        var alone = new Dictionary<string, double[]>[Callers];
        for (var i = 0; i < Callers; i++)
        {
            var (status, body) = await InferAsync(Body($"alone-{i}", i));
            Assert.Equal(HttpStatusCode.OK, status);
            alone[i] = Outputs(body);
        }

        var callsBefore = await MetricAsync("""serving_batch_rows_count{model="breast-cancer"}""");
        var answers = await Task.WhenAll(Enumerable.Range(0, Callers).Select(i => InferAsync(Body($"together-{i}", i))));

        for (var i = 0; i < Callers; i++)
        {
            var (status, body) = answers[i];
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal($"together-{i}", body.GetProperty("id").GetString());
            Assert.Equal("2", body.GetProperty("model_version").GetString());
            var outputs = Outputs(body);
            Assert.Equal(alone[i].Keys.Order(), outputs.Keys.Order());
            foreach (var (name, expected) in alone[i])
            {
                // Probabilities in [0, 1] and labels: equal within float rounding of a product over more rows.
                Assert.Equal(expected, outputs[name], (a, b) => Math.Abs(a - b) <= 1e-6);
            }
        }

        var calls = await MetricAsync("""serving_batch_rows_count{model="breast-cancer"}""") - callsBefore;
        Assert.InRange(calls, 1, Callers - 1);
        Assert.Equal(2 * Callers, await MetricAsync("""serving_batch_rows_sum{model="breast-cancer"}"""));
        Assert.Equal(2 * Callers, await MetricAsync("""serving_batch_queue_duration_seconds_count{model="breast-cancer"}"""));
    }

    [Fact]
    public async Task The_admin_view_shows_the_batching_settings_of_a_model_that_batches()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/models/breast-cancer");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await _rest.SendAsync(request, Cancel);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var batching = body.GetProperty("batching");
        Assert.Equal(Callers, batching.GetProperty("maxBatchSize").GetInt32());
        Assert.Equal(50000, batching.GetProperty("maxQueueDelayMicroseconds").GetInt32());
        Assert.Equal([8], batching.GetProperty("preferredBatchSizes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(1, batching.GetProperty("maxConcurrentBatches").GetInt32());
    }

    [Fact]
    public async Task A_bad_request_among_good_ones_is_refused_alone()
    {
        var bad = """{"id":"bad","inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}""";
        var bodies = Enumerable.Range(0, 7).Select(i => Body($"good-{i}", i)).Append(bad).ToList();

        var answers = await Task.WhenAll(bodies.Select(InferAsync));

        Assert.All(answers.Take(7), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(HttpStatusCode.BadRequest, answers[7].Status);
        Assert.Contains("shape", answers[7].Body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
