using System.Net;
using System.Text.Json;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>Getting and setting a deployment: validated whole, 400/404/409 with a message, the old one kept on failure.</summary>
public sealed class AdminDeploymentTests
{
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";

    [Fact]
    public async Task Put_sets_stable_canary_weight_and_shadow_and_requests_follow_it()
    {
        using var registry = AdminRegistry.Iris(4);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.PutAsync("/admin/models/iris/deployment", """{"stable":1,"canary":2,"canaryWeight":0,"shadow":3}""");
        var (_, read) = await client.GetAsync("/admin/models/iris/deployment");
        var (_, inference) = await client.PostAsync("/v2/models/iris/infer", IrisRow);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"stable":1,"canary":2,"canaryWeight":0,"shadow":3}""", body.GetRawText());
        Assert.Equal(body.GetRawText(), read.GetRawText());
        Assert.Equal("1", inference.GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task Put_of_a_version_that_is_not_loaded_loads_it_first()
    {
        using var registry = AdminRegistry.Iris(2);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/admin/models/iris/versions/1/unload")).Status);

        var (status, _) = await client.PutAsync("/admin/models/iris/deployment", """{"stable":1}""");
        var (_, view) = await client.GetAsync("/admin/models/iris");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ready", view.GetProperty("versions")[0].GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("{\"stable\":", "malformed JSON")]
    [InlineData("", "malformed JSON")]
    [InlineData("{\"canary\":2}", "needs \"stable\"")]
    [InlineData("{\"stable\":\"two\"}", "malformed JSON")]
    [InlineData("{\"stable\":1,\"canary\":2,\"canaryWeight\":101}", "canaryWeight must be between 0 and 100")]
    [InlineData("{\"stable\":1,\"canaryWeight\":10}", "canaryWeight needs a canary")]
    [InlineData("{\"stable\":1,\"canary\":1}", "cannot be both stable and canary")]
    public async Task Put_of_an_invalid_deployment_is_400_and_changes_nothing(string body, string message)
    {
        using var registry = AdminRegistry.Iris(2);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, answer) = await client.PutAsync("/admin/models/iris/deployment", body);
        var (_, read) = await client.GetAsync("/admin/models/iris/deployment");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, read.GetProperty("stable").GetInt32());
    }

    [Fact]
    public async Task Put_for_an_unknown_model_is_404()
    {
        using var registry = AdminRegistry.Iris(1);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.PutAsync("/admin/models/nope/deployment", """{"stable":1}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model 'nope' not found", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Put_of_a_version_that_fails_to_load_is_409_with_the_reason_and_the_old_deployment_keeps_serving()
    {
        using var registry = AdminRegistry.Iris(2);
        AdminRegistry.AddCorruptVersion(registry, "iris", 3);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.PutAsync("/admin/models/iris/deployment", """{"stable":3}""");
        var (_, read) = await client.GetAsync("/admin/models/iris/deployment");
        var (inferStatus, inference) = await client.PostAsync("/v2/models/iris/infer", IrisRow);
        var (_, view) = await client.GetAsync("/admin/models/iris");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.StartsWith("version 3 of model 'iris' did not load: ", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, read.GetProperty("stable").GetInt32());
        Assert.Equal(HttpStatusCode.OK, inferStatus);
        Assert.Equal("2", inference.GetProperty("model_version").GetString());
        Assert.Equal("failed", view.GetProperty("versions")[2].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Put_of_a_version_that_was_never_published_is_409()
    {
        using var registry = AdminRegistry.Iris(1);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.PutAsync("/admin/models/iris/deployment", """{"stable":1,"canary":7,"canaryWeight":5}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("no published version 7", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_deployment_json_uses_camel_case_names()
    {
        using var registry = AdminRegistry.Iris(2);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (_, body) = await client.PutAsync("/admin/models/iris/deployment", """{"Stable":1,"Canary":2,"CanaryWeight":30}""");

        Assert.Equal(30, body.GetProperty("canaryWeight").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("shadow").ValueKind);
    }
}
