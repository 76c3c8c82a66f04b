using Serving.Core.Rollouts;

namespace Serving.Cli.Tests.Admin;

/// <summary>`serving rollout status` shows the exact window each judged decision covered.</summary>
public sealed class RolloutWindowRenderTests
{
    [Fact]
    public async Task Status_shows_the_window_each_decision_judged()
    {
        var from = new DateTimeOffset(2026, 1, 1, 12, 0, 0, 250, TimeSpan.Zero);
        var controller = new ScriptedRolloutController(new RolloutStatus
        {
            Model = "iris",
            Stable = 1,
            Canary = 2,
            Steps = [5, 10],
            StepIndex = 1,
            Weight = 10,
            State = "running",
            FailureLimit = 2,
            IntervalSeconds = 60,
            Decisions =
            [
                new RolloutDecision { Outcome = "started", Weight = 5, At = from },
                new RolloutDecision
                {
                    Outcome = "passed",
                    Weight = 5,
                    At = from.AddSeconds(60.004),
                    Figures = new RolloutFigures { StableRequests = 900, CanaryRequests = 48, Window = new RolloutWindow { From = from, To = from.AddSeconds(60) } },
                },
            ],
        });
        await using var host = await CliGatewayHost.StartAsync(versions: 2, controller);

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "rollout", "status", "iris");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("every gate judged 12:00:00.250–12:01:00.250 UTC (60 s)", run.Messages, StringComparison.Ordinal);
        Assert.Matches(@"passed\s*│\s*12:00:00\.250–12:01:00\.250 UTC \(60 s\)", run.Messages);
    }
}
