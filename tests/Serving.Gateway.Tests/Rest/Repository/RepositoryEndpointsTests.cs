using System.Net;
using Serving.Gateway.Tests.Rest.Admin;

namespace Serving.Gateway.Tests.Rest.Repository;

/// <summary>The OIP repository extension (Triton's shapes), behind the admin keys.</summary>
public sealed class RepositoryEndpointsTests
{
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";

    [Fact]
    public async Task The_index_lists_every_version_in_the_triton_shape()
    {
        using var registry = AdminRegistry.Iris(2);
        AdminRegistry.AddCorruptVersion(registry, "iris", 3);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.ReadKey);

        var (status, body) = await client.PostAsync("/v2/repository/index");

        Assert.Equal(HttpStatusCode.OK, status);
        var entries = body.EnumerateArray().ToList();
        Assert.All(entries, e => Assert.Equal(["name", "version", "state", "reason"], e.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(["1", "2", "3"], entries.Select(e => e.GetProperty("version").GetString()));
        Assert.Equal(["READY", "READY", "UNAVAILABLE"], entries.Select(e => e.GetProperty("state").GetString()));
        Assert.Equal(string.Empty, entries[0].GetProperty("reason").GetString());
        Assert.NotEqual(string.Empty, entries[2].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_index_with_ready_true_lists_only_versions_that_serve()
    {
        using var registry = AdminRegistry.Iris(1);
        AdminRegistry.AddCorruptVersion(registry, "iris", 2);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (_, ready) = await client.PostAsync("/v2/repository/index", """{"ready":true}""");
        var (_, all) = await client.PostAsync("/v2/repository/index", """{"ready":false}""");
        var (malformed, _) = await client.PostAsync("/v2/repository/index", """{"ready":""");

        Assert.Equal(["1"], ready.EnumerateArray().Select(e => e.GetProperty("version").GetString()));
        Assert.Equal(2, all.GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, malformed);
    }

    [Fact]
    public async Task The_index_needs_a_key()
    {
        using var registry = AdminRegistry.Iris(1);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(key: null);

        var (status, body) = await client.PostAsync("/v2/repository/index");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(body.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Unload_takes_away_every_version_outside_the_deployment_and_load_brings_them_back()
    {
        using var registry = AdminRegistry.Iris(3);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var unload = await client.PostAsync("/v2/repository/models/iris/unload");
        var (_, afterUnload) = await client.PostAsync("/v2/repository/index", """{"ready":true}""");
        var (inferStatus, inference) = await client.PostAsync("/v2/models/iris/infer", IrisRow);
        var load = await client.PostAsync("/v2/repository/models/iris/load");
        var (_, afterLoad) = await client.PostAsync("/v2/repository/index", """{"ready":true}""");

        Assert.Equal(HttpStatusCode.OK, unload.Status);
        Assert.Equal("""{"unloaded":[1,2],"kept":[3]}""", unload.Body.GetRawText());
        Assert.Equal(["3"], afterUnload.EnumerateArray().Select(e => e.GetProperty("version").GetString()));
        Assert.Equal(HttpStatusCode.OK, inferStatus);
        Assert.Equal("3", inference.GetProperty("model_version").GetString());
        Assert.Equal(HttpStatusCode.OK, load.Status);
        Assert.Equal("{}", load.Body.GetRawText());
        Assert.Equal(["1", "2", "3"], afterLoad.EnumerateArray().Select(e => e.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task Load_and_unload_of_an_unknown_model_are_400()
    {
        using var registry = AdminRegistry.Iris(1);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (load, loadBody) = await client.PostAsync("/v2/repository/models/nope/load");
        var (unload, _) = await client.PostAsync("/v2/repository/models/nope/unload");

        Assert.Equal(HttpStatusCode.BadRequest, load);
        Assert.Contains("failed to load 'nope'", loadBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unload);
    }

    [Fact]
    public async Task Load_of_a_model_none_of_whose_versions_loads_is_400_with_the_reasons()
    {
        using var registry = AdminRegistry.Iris(1);
        AdminRegistry.AddCorruptVersion(registry, "iris", 2);
        Directory.Move(Path.Combine(registry.Path, "iris", "2"), Path.Combine(registry.Path, "iris", "3"));
        Directory.Move(Path.Combine(registry.Path, "iris"), Path.Combine(registry.Path, "wine"));
        Directory.Delete(Path.Combine(registry.Path, "wine", "1"), recursive: true);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.PostAsync("/v2/repository/models/wine/load");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("version 3 of model 'wine' did not load", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
