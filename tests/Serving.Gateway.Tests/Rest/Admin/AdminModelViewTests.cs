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
        // Loaded versions add where they came from; the corrupt one, never loaded, has no manifest to read it from.
        Assert.All(versions[..2], v => Assert.Equal(["version", "state", "reason", "since", "lineage"], v.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(["version", "state", "reason", "since"], versions[2].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["ready", "ready", "failed"], versions.Select(v => v.GetProperty("state").GetString()));
        Assert.Equal(JsonValueKind.Null, versions[0].GetProperty("reason").ValueKind);
        Assert.False(string.IsNullOrEmpty(versions[2].GetProperty("reason").GetString()));
        Assert.True(versions[2].GetProperty("since").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task Each_loaded_version_shows_its_mlflow_run_data_version_parent_event_and_verdict()
    {
        using var client = fixture.Host.CreateClient(AdminGatewayHost.ReadKey);

        var (_, body) = await client.GetAsync("/admin/models/iris");

        var lineage = body.GetProperty("versions")[1].GetProperty("lineage");
        Assert.Equal(RetrainedLineage.RunId, lineage.GetProperty("mlflow").GetProperty("runId").GetString());
        var data = lineage.GetProperty("data");
        Assert.Equal(RetrainedLineage.DataMd5, data.GetProperty("md5").GetString());
        Assert.Equal(RetrainedLineage.DataPath, data.GetProperty("path").GetString());
        Assert.Equal(RetrainedLineage.DataPath + ".dvc", data.GetProperty("dvcFile").GetString());
        Assert.Equal(8, data.GetProperty("size").GetInt64());
        Assert.Equal(1, lineage.GetProperty("parentVersion").GetInt32());
        Assert.Equal("drift.detected", lineage.GetProperty("event").GetProperty("type").GetString());
        Assert.Equal("evt-drift-1", lineage.GetProperty("event").GetProperty("id").GetString());
        Assert.Equal("passed", lineage.GetProperty("evaluation").GetProperty("verdict").GetString());
        Assert.Equal(0.96, lineage.GetProperty("evaluation").GetProperty("candidate").GetProperty("accuracy").GetDouble(), 1e-12);
        Assert.Equal("20261207-120000-abcd", lineage.GetProperty("retrainingRunId").GetString());
    }

    [Fact]
    public async Task A_packaged_version_shows_its_training_datas_md5_and_no_retraining_fields()
    {
        using var client = fixture.Host.CreateClient(AdminGatewayHost.ReadKey);

        var (_, body) = await client.GetAsync("/admin/models/iris");

        // Version 1 is the committed package: its data is iris.csv, made before DVC fields were recorded.
        var lineage = body.GetProperty("versions")[0].GetProperty("lineage");
        Assert.Equal(["data", "trainer", "createdAt"], lineage.EnumerateObject().Select(p => p.Name));
        Assert.Equal("iris.csv", lineage.GetProperty("data").GetProperty("file").GetString());
    }

    [Fact]
    public async Task The_list_leaves_lineage_to_the_one_model_view()
    {
        using var client = fixture.Host.CreateClient(AdminGatewayHost.ReadKey);

        var (_, body) = await client.GetAsync("/admin/models");

        Assert.All(body.EnumerateArray().SelectMany(m => m.GetProperty("versions").EnumerateArray()), v => Assert.False(v.TryGetProperty("lineage", out _)));
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
