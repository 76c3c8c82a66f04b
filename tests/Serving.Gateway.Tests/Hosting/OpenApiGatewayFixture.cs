using System.Net;
using System.Text.Json;
using Serving.Gateway.Hosting;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>One gateway over an empty registry, and the OpenAPI document it serves, shared by a test class.</summary>
public sealed class OpenApiGatewayFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("openapi-");
    private GatewayHost _host = null!;

    /// <summary>The document as the gateway served it.</summary>
    public JsonElement Document { get; private set; }

    public async ValueTask InitializeAsync()
    {
        // An empty registry is enough: the document describes routes, not models.
        var registry = _root.CreateSubdirectory("models").FullName;
        _host = await new GatewayHost(registry, new Dictionary<string, string?> { ["Serving:DataPath"] = Path.Combine(_root.FullName, "var") }).StartAsync();
        using var client = _host.CreateRestClient();
        using var response = await client.GetAsync(OpenApiHostExtensions.DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Document = document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _root.Delete(recursive: true);
    }
}
