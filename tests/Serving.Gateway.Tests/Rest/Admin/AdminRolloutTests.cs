using System.Net;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>The rollout endpoints hand over to the rollout controller, and say so plainly when there is none.</summary>
public sealed class AdminRolloutTests
{
    [Fact]
    public async Task Start_status_pause_resume_and_abort_reach_the_controller_with_the_actor()
    {
        using var registry = AdminRegistry.Iris(2);
        var rollouts = new FakeRolloutController();
        await using var host = await new AdminGatewayHost(registry.Path, rollouts).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var start = await client.PostAsync("/admin/models/iris/rollout", """{"canary":2,"steps":[10,50],"intervalSeconds":30}""");
        var pause = await client.PostAsync("/admin/models/iris/rollout/pause");
        var resume = await client.PostAsync("/admin/models/iris/rollout/resume");
        var abort = await client.PostAsync("/admin/models/iris/rollout/abort");
        var get = await client.GetAsync("/admin/models/iris/rollout");

        Assert.Equal(HttpStatusCode.OK, start.Status);
        Assert.Equal([10, 50], start.Body.GetProperty("steps").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(30, start.Body.GetProperty("intervalSeconds").GetDouble());
        Assert.Equal("paused", pause.Body.GetProperty("state").GetString());
        Assert.Equal("running", resume.Body.GetProperty("state").GetString());
        Assert.Equal("aborted", abort.Body.GetProperty("state").GetString());
        Assert.Equal("aborted", get.Body.GetProperty("state").GetString());
        Assert.Equal(["start 2 by admin", "paused by admin", "running by admin", "aborted by admin"], rollouts.Calls);
    }

    [Fact]
    public async Task A_controller_refusal_is_answered_with_its_status_and_message()
    {
        using var registry = AdminRegistry.Iris(1);
        await using var host = await new AdminGatewayHost(registry.Path, new FakeRolloutController()).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.PostAsync("/admin/models/iris/rollout/pause");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model 'iris' has no rollout", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Get_pause_resume_and_abort_give_one_answer_when_the_model_has_no_rollout()
    {
        // The gateway's own controller: every rollout endpoint says "no rollout" with the same status and body.
        using var registry = AdminRegistry.Iris(1);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var answers = new[]
        {
            await client.GetAsync("/admin/models/iris/rollout"),
            await client.PostAsync("/admin/models/iris/rollout/pause"),
            await client.PostAsync("/admin/models/iris/rollout/resume"),
            await client.PostAsync("/admin/models/iris/rollout/abort"),
        };

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NotFound, a.Status));
        Assert.All(answers, a => Assert.Equal("model 'iris' has no rollout", a.Body.GetProperty("error").GetString()));
        Assert.Single(answers.Select(a => a.Body.GetRawText()).Distinct());
    }

    [Theory]
    [InlineData("{\"steps\":[5]}")]
    [InlineData("{\"canary\":")]
    [InlineData("")]
    public async Task A_rollout_request_without_a_canary_is_400(string body)
    {
        using var registry = AdminRegistry.Iris(1);
        var rollouts = new FakeRolloutController();
        await using var host = await new AdminGatewayHost(registry.Path, rollouts).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, answer) = await client.PostAsync("/admin/models/iris/rollout", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("canary", answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(rollouts.Calls);
    }

    [Fact]
    public async Task Without_a_rollout_controller_the_rollout_endpoints_answer_501_and_say_why()
    {
        using var registry = new SampleRegistry("iris");
        await using var host = await new AdminGatewayHost(registry.Path, withoutRollouts: true).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);

        var (status, body) = await client.PostAsync("/admin/models/iris/rollout", """{"canary":1}""");
        var (getStatus, _) = await client.GetAsync("/admin/models/iris/rollout");

        Assert.Equal(HttpStatusCode.NotImplemented, status);
        Assert.Contains("no rollout controller", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotImplemented, getStatus);
    }
}
