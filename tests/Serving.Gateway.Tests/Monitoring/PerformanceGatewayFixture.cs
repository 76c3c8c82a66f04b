using System.Globalization;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>A real gateway over the sample models with small performance windows (50 rows), shared by a test class.</summary>
public sealed class PerformanceGatewayFixture : IAsyncLifetime
{
    public const int WindowRows = 50;

    public SampleRegistry Registry { get; } = new();

    public GatewayHost Host { get; private set; } = null!;

    public HttpClient Rest { get; private set; } = null!;

    /// <summary>True labels of the committed breast-cancer data (its last column).</summary>
    public static int[] BreastCancerTargets { get; } = [.. File.ReadAllLines(RepositoryPaths.Of("data", "breast-cancer.csv"))
        .Skip(1)
        .Select(l => (int)double.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture))];

    public async ValueTask InitializeAsync()
    {
        Host = await new GatewayHost(Registry.Path, new Dictionary<string, string?> { ["Serving:Monitoring:WindowRows"] = WindowRows.ToString(CultureInfo.InvariantCulture) }).StartAsync();
        Rest = Host.CreateRestClient();
    }

    /// <summary>Predicts one breast-cancer row over OIP REST; returns the prediction id and the predicted class.</summary>
    public async Task<(string Id, int Predicted)> PredictBreastCancerAsync(int row)
    {
        var body = $$"""{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","data":{{BreastCancerRows.Json(row)}}}]}""";
        using var response = await Rest.PostAsync("/v2/models/breast-cancer/infer", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var label = json.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "label");
        return (response.Headers.GetValues("X-Prediction-Id").Single(), label.GetProperty("data")[0].GetInt32());
    }

    public async Task<(int Status, JsonElement Body)> PostFeedbackAsync(string json)
    {
        using var response = await Rest.PostAsync("/monitoring/feedback", new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone());
    }

    public async Task<(int Status, JsonElement Body)> GetPerformanceAsync(string model)
    {
        using var response = await Rest.GetAsync($"/monitoring/models/{model}/performance", TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        Rest.Dispose();
        await Host.DisposeAsync();
        Registry.Dispose();
    }
}
