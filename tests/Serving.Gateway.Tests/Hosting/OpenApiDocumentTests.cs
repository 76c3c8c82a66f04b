using System.Net;
using System.Text.Json;
using Serving.Gateway.Hosting;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>The OpenAPI document at /openapi/v1.json lists the REST surface, each operation tagged and summarised.</summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("openapi-");
    private GatewayHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        // An empty registry is enough: the document describes routes, not models.
        var registry = _root.CreateSubdirectory("models").FullName;
        _host = await new GatewayHost(registry, new Dictionary<string, string?> { ["Serving:DataPath"] = Path.Combine(_root.FullName, "var") }).StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _root.Delete(recursive: true);
    }

    private async Task<JsonElement> FetchAsync()
    {
        using var client = _host.CreateRestClient();
        using var response = await client.GetAsync(OpenApiHostExtensions.DocumentPath, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return document.RootElement.Clone();
    }

    [Theory]
    [InlineData("/v2/health/ready", "get", "OIP")]
    [InlineData("/v2/models/{name}", "get", "OIP")]
    [InlineData("/v2/models/{name}/infer", "post", "OIP")]
    [InlineData("/v2/models/{name}/versions/{version}/infer", "post", "OIP")]
    [InlineData("/invocations", "post", "MLflow")]
    [InlineData("/ping", "get", "MLflow")]
    [InlineData("/admin/models", "get", "Admin")]
    [InlineData("/admin/models/{name}/deployment", "put", "Admin")]
    [InlineData("/admin/models/{name}/rollout", "post", "Admin")]
    [InlineData("/v2/repository/index", "post", "Repository")]
    [InlineData("/monitoring/feedback", "post", "Monitoring")]
    [InlineData("/monitoring/models/{name}/drift", "get", "Monitoring")]
    [InlineData("/monitoring/models/{name}/performance", "get", "Monitoring")]
    public async Task The_document_lists_the_key_endpoints_with_their_tag(string path, string method, string tag)
    {
        var paths = (await FetchAsync()).GetProperty("paths");

        Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the document; it has {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        Assert.True(item.TryGetProperty(method, out var operation), $"{path} has no {method} operation");
        Assert.Equal([tag], operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Every_operation_has_a_tag_and_a_summary()
    {
        var root = await FetchAsync();

        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("Serving gateway REST API", root.GetProperty("info").GetProperty("title").GetString());
        var operations = root.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name != "parameters").Select(o => (Name: $"{o.Name.ToUpperInvariant()} {p.Name}", Operation: o.Value)))
            .ToList();
        Assert.True(operations.Count >= 30, $"only {operations.Count} operations");
        var missing = operations
            .Where(o => !o.Operation.TryGetProperty("summary", out var s) || string.IsNullOrWhiteSpace(s.GetString())
                || !o.Operation.TryGetProperty("tags", out var t) || t.GetArrayLength() != 1)
            .Select(o => o.Name)
            .ToList();
        Assert.True(missing.Count == 0, $"operations without a summary or one tag: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Path_parameters_are_declared()
    {
        var infer = (await FetchAsync()).GetProperty("paths").GetProperty("/v2/models/{name}/versions/{version}/infer").GetProperty("post");

        var parameters = infer.GetProperty("parameters").EnumerateArray()
            .Select(p => (p.GetProperty("name").GetString(), p.GetProperty("in").GetString()))
            .ToList();
        Assert.Contains(("name", "path"), parameters);
        Assert.Contains(("version", "path"), parameters);
    }
}
