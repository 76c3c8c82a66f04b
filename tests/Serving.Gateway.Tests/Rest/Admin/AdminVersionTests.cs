using System.Net;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>Loading and unloading one version through the admin API.</summary>
public sealed class AdminVersionTests
{
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";

    [Fact]
    public async Task A_version_outside_the_deployment_unloads_and_loads_again()
    {
        using var registry = AdminRegistry.Iris(2);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var unload = await client.PostAsync("/admin/models/iris/versions/1/unload");
        var (pinnedStatus, _) = await client.PostAsync("/v2/models/iris/versions/1/infer", IrisRow);
        var load = await client.PostAsync("/admin/models/iris/versions/1/load");
        var (pinnedAfter, _) = await client.PostAsync("/v2/models/iris/versions/1/infer", IrisRow);

        Assert.Equal(HttpStatusCode.OK, unload.Status);
        Assert.Equal("unloaded", unload.Body.GetProperty("state").GetString());
        Assert.Contains("unloaded by admin", unload.Body.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, pinnedStatus);
        Assert.Equal(HttpStatusCode.OK, load.Status);
        Assert.Equal("ready", load.Body.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, pinnedAfter);
    }

    [Fact]
    public async Task Unloading_a_deployed_version_is_409_and_it_keeps_serving()
    {
        using var registry = AdminRegistry.Iris(2);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.PostAsync("/admin/models/iris/versions/2/unload");
        var (inferStatus, inference) = await client.PostAsync("/v2/models/iris/infer", IrisRow);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("is part of its deployment", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, inferStatus);
        Assert.Equal("2", inference.GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task Loading_a_version_that_does_not_load_is_409_with_its_reason()
    {
        using var registry = AdminRegistry.Iris(1);
        AdminRegistry.AddCorruptVersion(registry, "iris", 2);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.PostAsync("/admin/models/iris/versions/2/load");
        var (missing, _) = await client.PostAsync("/admin/models/nope/versions/1/load");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.StartsWith("version 2 of model 'iris' did not load: ", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }
}
