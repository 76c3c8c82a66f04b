using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serving.Core.Routing;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Mlflow;

/// <summary>
/// /invocations matches columns against the signature of the version that serves: a canary that takes the same
/// features in another order, with all the traffic, answers the same rows exactly as the stable version does.
/// </summary>
public sealed class MlflowCanaryColumnOrderTests : IAsyncLifetime
{
    // The canary's column k is the original feature Order[k].
    private static readonly int[] Order = [2, 0, 3, 1];

    private static readonly string[] Names = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];

    private static readonly float[][] Rows =
    [
        [5.1f, 3.5f, 1.4f, 0.2f],
        [6.4f, 3.2f, 4.5f, 1.5f],
        [6.3f, 3.3f, 6.0f, 2.5f],
        [5.9f, 3.0f, 5.1f, 1.8f],
    ];

    private readonly SampleRegistry _registry = new("iris");
    private GatewayHost _host = null!;
    private HttpClient _rest = null!;

    public async ValueTask InitializeAsync()
    {
        PermutedIrisVersion.Publish(Path.Combine(_registry.Path, "iris", "1"), Path.Combine(_registry.Path, "iris", "2"), Order);
        _host = await new GatewayHost(_registry.Path, new Dictionary<string, string?> { ["Serving:Models:iris:Policy"] = "manual", ["Serving:DefaultModel"] = "iris" }).StartAsync();
        _rest = _host.CreateRestClient();
        _host.Services.GetRequiredService<DeploymentManager>()
            .Set("iris", new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = 100 }, "test", "canary takes all traffic");
    }

    public async ValueTask DisposeAsync()
    {
        _rest.Dispose();
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task The_canary_permutes_its_columns_so_fed_in_the_stable_order_it_answers_differently()
    {
        // Guards the test itself: were the permutation harmless, the tests below could not fail.
        var stable = await OipAsync("1", Rows);
        var misfed = await OipAsync("2", Rows);

        Assert.NotEqual(stable.Probabilities, misfed.Probabilities, new ToleranceComparer());
    }

    [Fact]
    public async Task Dataframe_records_served_by_the_permuted_canary_equal_the_stables_answers()
    {
        var records = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["dataframe_records"] = Rows.Select(row => Names.Select((name, j) => (name, j)).ToDictionary(f => f.name, f => row[f.j])).ToArray(),
        });

        var (version, labels, probabilities) = await InvokeAsync(records, "application/json");

        var stable = await OipAsync("1", Rows);
        Assert.Equal("2", version);
        Assert.Equal(stable.Labels, labels);
        Assert.Equal(stable.Probabilities, probabilities, new ToleranceComparer());
    }

    [Fact]
    public async Task Csv_in_the_stables_column_order_served_by_the_permuted_canary_equals_the_stables_answers()
    {
        var csv = string.Join(',', Names) + "\n" + string.Join('\n', Rows.Select(r => string.Join(',', r.Select(v => v.ToString(CultureInfo.InvariantCulture)))));

        var (version, labels, probabilities) = await InvokeAsync(csv, "text/csv");

        var stable = await OipAsync("1", Rows);
        Assert.Equal("2", version);
        Assert.Equal(stable.Labels, labels);
        Assert.Equal(stable.Probabilities, probabilities, new ToleranceComparer());
    }

    private async Task<(string Version, long[] Labels, float[] Probabilities)> InvokeAsync(string body, string contentType)
    {
        var response = await _rest.PostAsync("/invocations", new StringContent(body, Encoding.UTF8, contentType), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var predictions = JsonDocument.Parse(text).RootElement.GetProperty("predictions").EnumerateArray().ToArray();
        return (
            response.Headers.GetValues("X-Model-Version").Single(),
            [.. predictions.Select(p => p.GetProperty("label").GetInt64())],
            [.. predictions.SelectMany(p => p.GetProperty("probability").EnumerateArray().Select(v => v.GetSingle()))]);
    }

    /// <summary>OIP pinned to a version, fed the rows in the order given (no column matching).</summary>
    private async Task<(long[] Labels, float[] Probabilities)> OipAsync(string version, float[][] rows)
    {
        var data = string.Join(',', rows.SelectMany(r => r).Select(v => v.ToString(CultureInfo.InvariantCulture)));
        var response = await _rest.PostAsync(
            $"/v2/models/iris/versions/{version}/infer",
            new StringContent($$"""{"inputs":[{"name":"input","shape":[{{rows.Length}},4],"datatype":"FP32","data":[{{data}}]}]}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var outputs = JsonDocument.Parse(text).RootElement.GetProperty("outputs");
        var byName = outputs.EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("data"));
        return (
            [.. byName["label"].EnumerateArray().Select(v => v.GetInt64())],
            [.. byName["probability"].EnumerateArray().Select(v => v.GetSingle())]);
    }

    /// <summary>The same model on the same inputs: equal to 1e-6 (the runtimes may reorder a float sum).</summary>
    private sealed class ToleranceComparer : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= 1e-6f;

        public int GetHashCode(float obj) => 0;
    }
}
