using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Oip;

/// <summary>
/// On the real host, the prediction log writes an input's values the same way whether the request's own text was
/// kept for it (a compact array of shortest decimals) or not (spaces, trailing zeros, nesting).
/// </summary>
public sealed class OipLoggedInputTextTests : IAsyncLifetime
{
    private readonly SampleRegistry _registry = new("iris");
    private GatewayHost _host = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await new GatewayHost(_registry.Path, new Dictionary<string, string?> { ["Serving:DefaultModel"] = "iris" }).StartAsync();
        _client = _host.CreateRestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task The_log_line_is_the_same_however_the_caller_wrote_the_numbers()
    {
        await InferAsync("kept", "[5.1,3.5,1.4,0.2]");
        await InferAsync("spaced", "[5.10, 3.5,1.40,0.2]");
        await InferAsync("nested", "[[5.1,3.5,1.4,0.2]]");

        foreach (var id in new[] { "kept", "spaced", "nested" })
        {
            var line = await _host.LogLineAsync("iris", id);
            Assert.Equal("[5.1,3.5,1.4,0.2]", line.GetProperty("inputs").GetProperty("input").GetProperty("data").GetRawText());
        }
    }

    private async Task InferAsync(string id, string data)
    {
        var body = $$"""{"id":"{{id}}","inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":{{data}}}]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/v2/models/iris/infer", content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
