using System.Net;
using Serving.Core.Rollouts;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>Each judged decision in the rollout JSON names the exact window its gates judged.</summary>
public sealed class AdminRolloutWindowTests
{
    [Fact]
    public async Task A_judged_decision_shows_the_window_it_judged_and_an_unjudged_one_none()
    {
        using var registry = AdminRegistry.Iris(2);
        var rollouts = new FakeRolloutController();
        await using var host = await new AdminGatewayHost(registry.Path, rollouts).StartAsync();
        using var client = host.CreateClient(AdminGatewayHost.FullKey);
        var from = new DateTimeOffset(2026, 1, 1, 12, 0, 0, 250, TimeSpan.Zero);
        rollouts.Set(new RolloutStatus
        {
            Model = "iris",
            Stable = 1,
            Canary = 2,
            Steps = [10, 50],
            State = "running",
            Decisions =
            [
                new RolloutDecision { Outcome = "started", Weight = 10, At = from },
                new RolloutDecision
                {
                    Outcome = "passed",
                    Weight = 10,
                    At = from.AddSeconds(60.004),
                    Figures = new RolloutFigures { StableRequests = 80, CanaryRequests = 60, Window = new RolloutWindow { From = from, To = from.AddSeconds(60) } },
                },
            ],
        });

        var (status, body) = await client.GetAsync("/admin/models/iris/rollout");

        Assert.Equal(HttpStatusCode.OK, status);
        var decisions = body.GetProperty("decisions");
        Assert.False(decisions[0].TryGetProperty("figures", out var none) && none.ValueKind != System.Text.Json.JsonValueKind.Null);
        var window = decisions[1].GetProperty("figures").GetProperty("window");
        Assert.Equal(from, window.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(from.AddSeconds(60), window.GetProperty("to").GetDateTimeOffset());
    }
}
