using System.Net;
using System.Text.Json;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>Promote and rollback as DESIGN's 'Contract details' define them.</summary>
public sealed class AdminPromoteRollbackTests
{
    [Fact]
    public async Task Promote_makes_the_canary_stable_and_removes_it()
    {
        using var registry = AdminRegistry.Iris(3);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);
        await client.PutAsync("/admin/models/iris/deployment", """{"stable":1,"canary":2,"canaryWeight":20}""");

        var (status, body) = await client.PostAsync("/admin/models/iris/promote");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"stable":2,"canary":null,"canaryWeight":0,"shadow":null}""", body.GetRawText());
    }

    [Fact]
    public async Task Promote_without_a_canary_is_409()
    {
        using var registry = AdminRegistry.Iris(1);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.PostAsync("/admin/models/iris/promote");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("model 'iris' has no canary to promote", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Rollback_removes_a_canary_first_then_returns_to_the_previous_stable_then_answers_409()
    {
        using var registry = AdminRegistry.Iris(3);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);
        await client.PutAsync("/admin/models/iris/deployment", """{"stable":1}""");
        await client.PutAsync("/admin/models/iris/deployment", """{"stable":2,"canary":3,"canaryWeight":10}""");

        var first = await client.PostAsync("/admin/models/iris/rollback");
        var second = await client.PostAsync("/admin/models/iris/rollback");
        var (_, afterSecond) = await client.GetAsync("/admin/models/iris/deployment");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(2, first.Body.GetProperty("stable").GetInt32());
        Assert.Equal(JsonValueKind.Null, first.Body.GetProperty("canary").ValueKind);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(1, afterSecond.GetProperty("stable").GetInt32());
    }

    [Fact]
    public async Task Rollback_with_no_canary_and_no_previous_stable_is_409()
    {
        using var registry = AdminRegistry.Iris(1);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.PostAsync("/admin/models/iris/rollback");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("no canary and no previous stable", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
