using System.Net;
using System.Text.Json;
using Serving.Core.Rollouts;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>The model views: the shape DESIGN fixes, every version's state and reason, the rollout when there is one.</summary>
public sealed class AdminModelViewTests(AdminReadFixture fixture) : IClassFixture<AdminReadFixture>
{
    [Fact]
    public async Task The_model_view_has_exactly_the_documented_shape()
    {
        using var client = fixture.Host.CreateClient(AdminGatewayHost.ReadKey);

        var (status, body) = await client.GetAsync("/admin/models/iris");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["name", "policy", "deployment", "rollout", "versions"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("iris", body.GetProperty("name").GetString());
        Assert.Equal("auto-stable", body.GetProperty("policy").GetString());
        var deployment = body.GetProperty("deployment");
        Assert.Equal(["stable", "canary", "canaryWeight", "shadow"], deployment.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, deployment.GetProperty("stable").GetInt32());
        Assert.Equal(JsonValueKind.Null, deployment.GetProperty("canary").ValueKind);
        Assert.Equal(0, deployment.GetProperty("canaryWeight").GetInt32());
        Assert.Equal(JsonValueKind.Null, deployment.GetProperty("shadow").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("rollout").ValueKind);
    }

    [Fact]
    public async Task Every_version_shows_its_state_reason_and_since()
    {
        using var client = fixture.Host.CreateClient(AdminGatewayHost.ReadKey);

        var (_, body) = await client.GetAsync("/admin/models/iris");

        var versions = body.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.All(versions, v => Assert.Equal(["version", "state", "reason", "since"], v.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(["ready", "ready", "failed"], versions.Select(v => v.GetProperty("state").GetString()));
        Assert.Equal(JsonValueKind.Null, versions[0].GetProperty("reason").ValueKind);
        Assert.False(string.IsNullOrEmpty(versions[2].GetProperty("reason").GetString()));
        Assert.True(versions[2].GetProperty("since").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task The_list_holds_every_model_in_name_order()
    {
        using var client = fixture.Host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.GetAsync("/admin/models");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["diabetes", "iris"], body.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(1, body[0].GetProperty("deployment").GetProperty("stable").GetInt32());
    }

    [Fact]
    public async Task An_unknown_model_is_404()
    {
        using var client = fixture.Host.CreateClient(AdminGatewayHost.ReadKey);

        var (status, body) = await client.GetAsync("/admin/models/nope");
        var (deploymentStatus, _) = await client.GetAsync("/admin/models/nope/deployment");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model 'nope' not found", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, deploymentStatus);
    }

    [Fact]
    public async Task The_view_carries_the_rollout_the_controller_reports()
    {
        fixture.Rollouts.Set(new RolloutStatus
        {
            Model = "diabetes",
            Stable = 1,
            Canary = 2,
            Steps = [5, 10],
            StepIndex = 1,
            Weight = 10,
            State = "waiting",
            Decisions = [new RolloutDecision { Outcome = "waiting", Weight = 10, Reasons = ["canary served 3 requests, needs 50"] }],
        });
        using var client = fixture.Host.CreateClient(AdminGatewayHost.ReadKey);

        var (_, body) = await client.GetAsync("/admin/models/diabetes");

        var rollout = body.GetProperty("rollout");
        Assert.Equal("waiting", rollout.GetProperty("state").GetString());
        Assert.Equal(10, rollout.GetProperty("weight").GetInt32());
        Assert.Equal("canary served 3 requests, needs 50", rollout.GetProperty("decisions")[0].GetProperty("reasons")[0].GetString());
    }
}
