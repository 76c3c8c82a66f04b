using Microsoft.Extensions.Logging.Abstractions;
using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

/// <summary>Tests that hold the real clock to a tight bound run alone, so other tests' load does not delay their timers.</summary>
[CollectionDefinition(nameof(RealTimeCollection), DisableParallelization = true)]
public sealed class RealTimeCollection;

/// <summary>Decision timing against the real clock: the one test here that waits for real time to pass (about a second).</summary>
[Collection(nameof(RealTimeCollection))]
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

            // A control timer aimed at the same instant shows how late this machine runs any timer callback (a busy
            // CI box has been seen starving the thread pool for over a second); the controller may add at most the
            // tolerance to that, which is the part of the lateness that is its own.
            var controlFired = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var control = TimeProvider.System.CreateTimer(
                _ => controlFired.TrySetResult(DateTimeOffset.UtcNow), null, Max(due - DateTimeOffset.UtcNow, TimeSpan.Zero), Timeout.InfiniteTimeSpan);

            var waitUntil = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
            while (controller.Get("m")!.Decisions.Count < 2 && DateTimeOffset.UtcNow < waitUntil)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            // No traffic, so the step waits: a decision all the same, taken on time and judged up to the due time.
            var decision = controller.Get("m")!.Decisions[^1];
            Assert.Equal(RolloutStates.Waiting, decision.Outcome);
            Assert.Equal(due, decision.Figures!.Window!.To);
            var schedulerLateness = Max(await controlFired.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken) - due, TimeSpan.Zero);
            Assert.InRange(decision.At - due, TimeSpan.Zero, Tolerance + schedulerLateness);
        }
        finally
        {
            await controller.StopAsync(CancellationToken.None);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
