using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Core.Monitoring.Drift;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>
/// A real gateway over a private copy of the breast-cancer package with small drift windows, and helpers to
/// send training rows (optionally with some features scaled) and read the drift report back.
/// </summary>
internal sealed class DriftGateway : IAsyncDisposable
{
    public const int WindowRows = 200;

    private DriftGateway(SampleRegistry registry, GatewayHost host)
    {
        Registry = registry;
        Host = host;
        Rest = host.CreateRestClient();
    }

    public SampleRegistry Registry { get; }

    public GatewayHost Host { get; }

    public HttpClient Rest { get; }

    public static async Task<DriftGateway> StartAsync()
    {
        var registry = new SampleRegistry("breast-cancer");
        var host = await new GatewayHost(registry.Path, new Dictionary<string, string?>
        {
            ["Serving:Monitoring:WindowRows"] = WindowRows.ToString(CultureInfo.InvariantCulture),
        }).StartAsync();
        return new DriftGateway(registry, host);
    }

    /// <summary>Sends the rows to version 2 over OIP, 20 rows a request, with <paramref name="scaled"/> features ×1.5.</summary>
    public async Task SendAsync(IEnumerable<int> rows, IReadOnlyCollection<int> scaled)
    {
        foreach (var chunk in rows.Chunk(20))
        {
            var data = chunk.SelectMany(r => BreastCancerRows.Row(r).Select((v, f) => scaled.Contains(f) ? v * 1.5f : v));
            var body = $$"""{"inputs":[{"name":"input","shape":[{{chunk.Length}},30],"datatype":"FP32","data":[{{string.Join(',', data.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}}]}]}""";
            using var response = await Rest.PostAsync(
                "/v2/models/breast-cancer/versions/2/infer", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var monitor = (DriftMonitor)Host.Services.GetService(typeof(DriftMonitor))!;
        await monitor.FlushAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>GET /monitoring/models/breast-cancer/drift, the entry of version 2.</summary>
    public async Task<JsonElement> VersionTwoAsync()
    {
        var text = await Rest.GetStringAsync("/monitoring/models/breast-cancer/drift", TestContext.Current.CancellationToken);
        return JsonDocument.Parse(text).RootElement.GetProperty("versions").EnumerateArray()
            .Single(v => v.GetProperty("version").GetString() == "2");
    }

    public async ValueTask DisposeAsync()
    {
        Rest.Dispose();
        await Host.DisposeAsync();
        Registry.Dispose();
    }
}
