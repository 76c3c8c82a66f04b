using System.Net;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>
/// The gateway's own rollout controller across a real restart: the second host takes the rollout up from the
/// deployments file after its registry's first scan, before it says it is ready.
/// </summary>
public sealed class AdminRolloutRestartTests
{
    [Theory]
    [InlineData("Resume")]
    [InlineData("RollBack")]
    public async Task A_rollout_in_progress_is_taken_up_by_the_next_gateway_as_OnRestart_says(string onRestart)
    {
        using var registry = AdminRegistry.Iris(2);
        await using (var first = await new AdminGatewayHost(registry.Path).StartAsync())
        {
            using var client = first.CreateClient(AdminGatewayHost.FullKey);
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/admin/models/iris/deployment", """{"stable":1}""")).Status);
            // A long interval, so the restart lands inside the first step whatever the machine's speed.
            var start = await client.PostAsync("/admin/models/iris/rollout", """{"canary":2,"steps":[10,50],"intervalSeconds":600}""");
            Assert.Equal(HttpStatusCode.OK, start.Status);
        }

        var settings = new Dictionary<string, string?> { ["Serving:Rollouts:OnRestart"] = onRestart };
        await using var second = await new AdminGatewayHost(registry.Path, settings: settings).StartAsync();
        using var again = second.CreateClient(AdminGatewayHost.FullKey);

        var (status, rollout) = await again.GetAsync("/admin/models/iris/rollout");
        var (_, deployment) = await again.GetAsync("/admin/models/iris/deployment");

        Assert.Equal(HttpStatusCode.OK, status);
        var outcomes = rollout.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("outcome").GetString()).ToList();
        if (onRestart == "Resume")
        {
            Assert.Equal("running", rollout.GetProperty("state").GetString());
            Assert.Equal(["started", "resumed"], outcomes);
            Assert.Equal(2, deployment.GetProperty("canary").GetInt32());
            Assert.Equal(10, deployment.GetProperty("canaryWeight").GetInt32());
            Assert.Single(second.Logs.Lines, l => l.Contains("step 1 of 2 (10%) starts again with a fresh window", StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal("rolled-back", rollout.GetProperty("state").GetString());
            Assert.Equal(["started", "rolled-back"], outcomes);
            Assert.False(deployment.TryGetProperty("canary", out var canary) && canary.ValueKind == System.Text.Json.JsonValueKind.Number);
            Assert.Single(second.Logs.Lines, l => l.Contains("OnRestart is RollBack, so the canary was rolled back from 10%", StringComparison.Ordinal));
        }
    }
}
