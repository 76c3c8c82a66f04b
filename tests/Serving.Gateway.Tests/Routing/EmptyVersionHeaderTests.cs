using System.Net;
using System.Text;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Routing;

/// <summary>An empty X-Model-Version pins nothing on REST, as on gRPC: the request is routed.</summary>
public sealed class EmptyVersionHeaderTests : IAsyncLifetime
{
    private readonly SampleRegistry _registry = new("iris");
    private GatewayHost _host = null!;
    private HttpClient _rest = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await new GatewayHost(_registry.Path, new Dictionary<string, string?> { ["Serving:DefaultModel"] = "iris" }).StartAsync();
        _rest = _host.CreateRestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _rest.Dispose();
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    private async Task<(HttpStatusCode, string?)> SendAsync(string path, string body, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.TryAddWithoutValidation("X-Model-Version", string.Empty);
        using var response = await _rest.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, response.Headers.TryGetValues("X-Model-Version", out var values) ? values.Single() : null);
    }

    [Fact]
    public async Task Oip_and_invocations_route_a_request_with_an_empty_version_header()
    {
        var oip = await SendAsync("/v2/models/iris/infer", """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""", "application/json");
        var mlflow = await SendAsync("/invocations", "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n5.1,3.5,1.4,0.2", "text/csv");

        Assert.Equal((HttpStatusCode.OK, "1"), oip);
        Assert.Equal((HttpStatusCode.OK, "1"), mlflow);
    }
}
