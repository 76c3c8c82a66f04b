using Microsoft.Extensions.Logging.Abstractions;
using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

/// <summary>Decision timing against the real clock: the one test here that waits for real time to pass (about a second).</summary>
public sealed class RolloutRealTimeTests
{
    // The requirement: a decision is taken within 100 ms of its due time. The decision's own At (the controller's
    // clock reading as it decides) is compared with the due time, so the test's polling below adds nothing to it;
    // the generous 10 s only bounds how long the test waits to see the decision at all.
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_one_second_step_is_decided_within_100_ms_of_its_due_time()
    {
        using var bed = new RolloutTestBed();
        var options = new RolloutOptions { BucketSeconds = 1, IntervalSeconds = 1 };
        using var stats = new VersionTrafficStats(bed.Test.Registry, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System);
        using var controller = new RolloutController(
            bed.Test.Deployments, bed.Test.Registry, stats, new SettableAccuracy(), Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, Serving.Core.Events.NoEventPublisher.Instance, NullLogger<RolloutController>.Instance);
        await controller.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var started = controller.Start("m", new RolloutRequest { Canary = 2, Steps = [10, 50] }, "admin");
            var due = started.NextCheckAt!.Value;

            var waitUntil = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
            while (controller.Get("m")!.Decisions.Count < 2 && DateTimeOffset.UtcNow < waitUntil)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            // No traffic, so the step waits: a decision all the same, taken on time and judged up to the due time.
            var decision = controller.Get("m")!.Decisions[^1];
            Assert.Equal(RolloutStates.Waiting, decision.Outcome);
            Assert.Equal(due, decision.Figures!.Window!.To);
            Assert.InRange(decision.At - due, TimeSpan.Zero, Tolerance);
        }
        finally
        {
            await controller.StopAsync(CancellationToken.None);
        }
    }
}
