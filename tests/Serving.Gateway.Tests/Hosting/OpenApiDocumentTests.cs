using System.Text.Json;
using Serving.Gateway.Hosting;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>The OpenAPI document at /openapi/v1.json lists the REST surface, each operation tagged and summarised.</summary>
public sealed class OpenApiDocumentTests(OpenApiGatewayFixture gateway) : IClassFixture<OpenApiGatewayFixture>
{
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
    public void The_document_lists_the_key_endpoints_with_their_tag(string path, string method, string tag)
    {
        var paths = gateway.Document.GetProperty("paths");

        Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the document; it has {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        Assert.True(item.TryGetProperty(method, out var operation), $"{path} has no {method} operation");
        Assert.Equal([tag], operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void Every_operation_has_a_tag_and_a_summary()
    {
        var root = gateway.Document;

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
    public void Path_parameters_are_declared()
    {
        var infer = gateway.Document.GetProperty("paths").GetProperty("/v2/models/{name}/versions/{version}/infer").GetProperty("post");

        var parameters = infer.GetProperty("parameters").EnumerateArray()
            .Select(p => (p.GetProperty("name").GetString(), p.GetProperty("in").GetString()))
            .ToList();
        Assert.Contains(("name", "path"), parameters);
        Assert.Contains(("version", "path"), parameters);
    }

    [Theory]
    [InlineData("/admin/models", "get", true)]
    [InlineData("/admin/models/{name}/deployment", "put", true)]
    [InlineData("/v2/repository/index", "post", true)]
    [InlineData("/v2/models/{name}/infer", "post", false)]
    [InlineData("/monitoring/feedback", "post", false)]
    public void Admin_routes_ask_for_the_admin_key_and_the_others_do_not(string path, string method, bool needsKey)
    {
        var root = gateway.Document;
        var operation = root.GetProperty("paths").GetProperty(path).GetProperty(method);

        var schemes = operation.TryGetProperty("security", out var security)
            ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToList()
            : [];
        Assert.Equal(needsKey ? [OpenApiHostExtensions.AdminKeyScheme] : [], schemes);
        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty(OpenApiHostExtensions.AdminKeyScheme).GetProperty("scheme").GetString());
    }
}
