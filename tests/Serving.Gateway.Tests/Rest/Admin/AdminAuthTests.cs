using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>Who may use the admin API: 401 without a known key, 403 for the read-only key on a change.</summary>
public sealed class AdminAuthTests(AdminReadFixture fixture) : IClassFixture<AdminReadFixture>
{
    [Fact]
    public async Task A_request_without_a_key_gets_401_with_an_error_body()
    {
        using var client = fixture.Host.CreateClient(key: null);

        var (status, body) = await client.GetAsync("/admin/models");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("admin key is required", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_gets_401()
    {
        using var client = fixture.Host.CreateClient("not-the-key");

        var (status, body) = await client.GetAsync("/admin/models/iris");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("the admin key is not valid", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_key_that_only_shares_a_prefix_with_the_real_one_gets_401()
    {
        using var client = fixture.Host.CreateClient(AdminGatewayHost.FullKey[..^1]);

        var (status, _) = await client.PostAsync("/admin/models/iris/promote");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task The_read_only_key_reads()
    {
        using var client = fixture.Host.CreateClient(AdminGatewayHost.ReadKey);

        var (status, body) = await client.GetAsync("/admin/models/iris/deployment");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("stable").GetInt32());
    }

    [Theory]
    [InlineData("PUT", "/admin/models/iris/deployment")]
    [InlineData("POST", "/admin/models/iris/promote")]
    [InlineData("POST", "/admin/models/iris/rollback")]
    [InlineData("POST", "/admin/models/iris/rollout")]
    [InlineData("POST", "/admin/models/iris/rollout/abort")]
    [InlineData("POST", "/admin/models/iris/versions/1/unload")]
    [InlineData("POST", "/v2/repository/models/iris/unload")]
    [InlineData("POST", "/v2/repository/models/iris/load")]
    public async Task The_read_only_key_gets_403_on_a_change(string method, string path)
    {
        using var client = fixture.Host.CreateClient(AdminGatewayHost.ReadKey);

        var (status, body) = await client.SendAsync(new HttpMethod(method), path, """{"stable":1}""");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("may only read", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, fixture.Host.Services.GetRequiredService<Serving.Core.Routing.DeploymentManager>().Current.Find("iris")!.Spec.Stable);
    }

    [Fact]
    public async Task No_key_appears_in_a_log_or_an_error_body()
    {
        const string WrongKey = "wrong-key-3f9e1d77-never-logged";
        var bodies = new List<string>();
        foreach (var key in new[] { AdminGatewayHost.FullKey, AdminGatewayHost.ReadKey, WrongKey, null })
        {
            using var client = fixture.Host.CreateClient(key);
            foreach (var (method, path) in new[] { ("GET", "/admin/models"), ("PUT", "/admin/models/iris/deployment"), ("POST", "/admin/models/nope/promote"), ("POST", "/v2/repository/index") })
            {
                var (_, body) = await client.SendAsync(new HttpMethod(method), path, "{not json");
                bodies.Add(body.ValueKind == System.Text.Json.JsonValueKind.Undefined ? string.Empty : body.GetRawText());
            }
        }

        var logs = fixture.Host.Logs.Lines.ToList();
        Assert.Contains(logs, l => l.Contains("refused", StringComparison.Ordinal));
        foreach (var secret in new[] { AdminGatewayHost.FullKey, AdminGatewayHost.ReadKey, WrongKey })
        {
            Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(bodies, b => b.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Without_a_configured_key_the_admin_api_refuses_every_request_and_says_why()
    {
        using var registry = new SampleRegistry("iris");
        await using var host = await new AdminGatewayHost(registry.Path, settings: new Dictionary<string, string?>
        {
            ["Serving:Admin:ApiKey"] = string.Empty,
            ["Serving:Admin:ReadOnlyApiKey"] = string.Empty,
        }).StartAsync();
        using var client = host.CreateClient("anything");

        var (status, body) = await client.GetAsync("/admin/models");
        var (indexStatus, _) = await client.PostAsync("/v2/repository/index");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("no key is configured", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, indexStatus);
    }
}
