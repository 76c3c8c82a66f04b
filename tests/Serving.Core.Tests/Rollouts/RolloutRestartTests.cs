using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serving.Core.Contracts;
using Serving.Core.Events;
using Serving.Core.Rollouts;
using Serving.Core.Routing;

namespace Serving.Core.Tests.Rollouts;

/// <summary>Rollouts are saved with the deployments and taken up again when the gateway restarts.</summary>
public sealed class RolloutRestartTests : IDisposable
{
    private readonly RolloutTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    private RolloutStatus Status => _bed.Controller.Get("m")!;

    private IReadOnlyList<GatewayEvent> Events => ((RecordingEventPublisher)_bed.Events).Events;

    private void Start(params int[] steps) =>
        _bed.Controller.Start("m", new RolloutRequest { Canary = 2, Steps = steps.Length == 0 ? null : steps }, "admin");

    private void BreakCanary() =>
        _bed.Runtime(2).BeforeRun = () => throw new InferenceException(InferenceErrorKind.Internal, "the canary is broken");

    /// <summary>Half a step of healthy traffic, so the restart lands in the middle of a step.</summary>
    private async Task HalfStep()
    {
        await _bed.Send(1, 60);
        await _bed.Send(2, 60);
        _bed.Time.Advance(TimeSpan.FromSeconds(_bed.Options.IntervalSeconds / 2));
    }

    [Fact]
    public async Task A_good_canary_restarted_mid_step_resumes_that_step_and_is_promoted_with_its_whole_history()
    {
        Start(10, 50);
        await _bed.HealthyStep();
        await HalfStep();

        _bed.Restart();

        var resumed = Status;
        Assert.Equal(RolloutStates.Running, resumed.State);
        Assert.Equal(1, resumed.StepIndex);
        Assert.Equal(new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = 50 }, _bed.Deployment.Spec);
        Assert.Equal(_bed.Time.GetUtcNow(), resumed.StepStartedAt);
        Assert.Equal(_bed.Time.GetUtcNow() + TimeSpan.FromSeconds(60), resumed.NextCheckAt);
        Assert.Contains("starts again with a fresh window", resumed.Decisions[^1].Reasons[0], StringComparison.Ordinal);
        var line = Assert.Single(_bed.Logs.Entries);
        Assert.Contains("the gateway restarted during the rollout of version 2 over stable 1; step 2 of 2 (50%) starts again", line.Message, StringComparison.Ordinal);

        await _bed.HealthyStep();

        Assert.Equal(new DeploymentSpec { Stable = 2 }, _bed.Deployment.Spec);
        Assert.Equal(
            [RolloutStates.Started, RolloutStates.Passed, RolloutStates.Resumed, RolloutStates.Promoted],
            Status.Decisions.Select(d => d.Outcome));
        Assert.Equal(RolloutStates.Promoted, Status.State);
    }

    [Fact]
    public async Task A_bad_canary_restarted_mid_step_keeps_its_failures_and_is_rolled_back()
    {
        Start(10, 50);
        BreakCanary();
        await _bed.HealthyStep();
        await HalfStep();

        _bed.Restart();
        BreakCanary();
        Assert.Equal(1, Status.Failures);
        await _bed.HealthyStep();
        await _bed.HealthyStep();

        Assert.Equal(new DeploymentSpec { Stable = 1 }, _bed.Deployment.Spec);
        Assert.Equal(RolloutStates.RolledBack, Status.State);
        Assert.Equal(3, Status.Failures);
        Assert.Equal(
            [RolloutStates.Started, RolloutStates.Failed, RolloutStates.Resumed, RolloutStates.Failed, RolloutStates.RolledBack],
            Status.Decisions.Select(d => d.Outcome));
    }

    [Fact]
    public async Task The_resumed_step_judges_only_the_traffic_after_the_restart()
    {
        Start(10, 50);
        await HalfStep();

        _bed.Restart();
        await _bed.Send(1, 60);
        await _bed.Send(2, 20);
        _bed.Time.Advance(TimeSpan.FromSeconds(60));

        var decision = Status.Decisions[^1];
        Assert.Equal(RolloutStates.Waiting, decision.Outcome);
        Assert.Equal(20, decision.Figures!.CanaryRequests);
        Assert.Equal(60, decision.Figures.StableRequests);
    }

    [Fact]
    public void A_paused_rollout_stays_paused_after_a_restart()
    {
        Start(10, 50);
        _bed.Controller.Pause("m", "admin");

        _bed.Restart();
        _bed.Time.Advance(TimeSpan.FromSeconds(300));

        Assert.Equal(RolloutStates.Paused, Status.State);
        Assert.Null(Status.NextCheckAt);
        Assert.Equal([RolloutStates.Started, RolloutStates.Paused], Status.Decisions.Select(d => d.Outcome));
        Assert.Equal(10, _bed.Deployment.Spec.CanaryWeight);
        Assert.Contains("stays paused at 10%", Assert.Single(_bed.Logs.Entries).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_OnRestart_RollBack_a_rollout_in_progress_is_rolled_back_on_start_with_the_reason()
    {
        Start(10, 50);
        await HalfStep();

        _bed.Restart(new RolloutOptions { OnRestart = "RollBack" });

        Assert.Equal(new DeploymentSpec { Stable = 1 }, _bed.Deployment.Spec);
        Assert.Equal(RolloutStates.RolledBack, Status.State);
        Assert.Contains("Serving:Rollouts:OnRestart is RollBack", Status.Decisions[^1].Reasons[0], StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, Assert.Single(_bed.Logs.Entries).Level);
        var published = Assert.Single(Events);
        Assert.Equal(GatewayEventTypes.RolloutRolledBack, published.Type);
    }

    [Theory]
    [InlineData("Resume")]
    [InlineData("RollBack")]
    public async Task A_canary_saved_by_an_older_version_without_rollout_state_gets_the_chosen_safe_behaviour(string onRestart)
    {
        Start();
        await _bed.HealthyStep();
        await _bed.HealthyStep();
        Assert.Equal(25, _bed.Deployment.Spec.CanaryWeight);
        StripRolloutState();

        _bed.Restart(new RolloutOptions { OnRestart = onRestart });

        var line = Assert.Single(_bed.Logs.Entries);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("no rollout state was saved", line.Message, StringComparison.Ordinal);
        var status = Status;
        Assert.Contains("no rollout state saved (written by an older version)", Assert.Single(status.Decisions).Reasons[0], StringComparison.Ordinal);
        if (onRestart == "Resume")
        {
            // A fresh rollout from the step at the canary's weight: its share is neither raised nor lost.
            Assert.Equal(RolloutStates.Running, status.State);
            Assert.Equal(2, status.StepIndex);
            Assert.Equal(new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = 25 }, _bed.Deployment.Spec);
            await _bed.HealthyStep();
            await _bed.HealthyStep();
            Assert.Equal(new DeploymentSpec { Stable = 2 }, _bed.Deployment.Spec);
        }
        else
        {
            Assert.Equal(RolloutStates.RolledBack, status.State);
            Assert.Equal(new DeploymentSpec { Stable = 1 }, _bed.Deployment.Spec);
            Assert.Contains("no rollout state", _bed.Deployment.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_canary_set_by_hand_is_left_as_it_is_after_a_restart()
    {
        _bed.Test.Deployments.Set("m", new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = 30 }, "admin", "by hand");

        _bed.Restart();

        Assert.Null(_bed.Controller.Get("m"));
        Assert.Equal(new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = 30 }, _bed.Deployment.Spec);
        Assert.Empty(_bed.Logs.Entries);
    }

    [Fact]
    public async Task An_ended_rollout_is_still_shown_after_a_restart_and_not_taken_up_again()
    {
        Start(10);
        await _bed.HealthyStep();
        var before = Status;

        _bed.Restart();

        Assert.Equal(RolloutStates.Promoted, Status.State);
        // Every decision as it was, figures and reasons included (records compare their lists by reference, so by value here).
        Assert.Equal(
            before.Decisions.Select(d => (d.At, d.Outcome, d.Weight, d.Figures, string.Join("|", d.Reasons))),
            Status.Decisions.Select(d => (d.At, d.Outcome, d.Weight, d.Figures, string.Join("|", d.Reasons))));
        Assert.Single(Events);
        Assert.Empty(_bed.Logs.Entries);
    }

    [Fact]
    public async Task The_rollout_is_saved_with_the_deployments_as_readable_json()
    {
        Start(10, 50);
        await _bed.HealthyStep();

        var saved = JsonNode.Parse(File.ReadAllText(_bed.Test.Deployments.StatePath))!;

        Assert.Equal(2, saved["models"]![0]!["spec"]!["canary"]!.GetValue<int>());
        var rollout = saved["rollouts"]!["m"]!;
        Assert.Equal(1, rollout["stepIndex"]!.GetValue<int>());
        Assert.Equal("running", rollout["state"]!.GetValue<string>());
        Assert.Equal([10, 50], rollout["steps"]!.AsArray().Select(s => s!.GetValue<int>()));
        Assert.Equal(60, rollout["intervalSeconds"]!.GetValue<double>());
        Assert.Equal(["started", "passed"], rollout["decisions"]!.AsArray().Select(d => d!["outcome"]!.GetValue<string>()));
        Assert.Equal(60, rollout["decisions"]![1]!["figures"]!["canaryRequests"]!.GetValue<long>());
    }

    [Fact]
    public async Task Promotion_publishes_one_rollout_promoted_event_with_a_stable_id_and_the_last_decision()
    {
        Start(10, 50);
        await _bed.HealthyStep();
        await _bed.HealthyStep();

        var published = Assert.Single(Events);
        var startedAt = Status.StartedAt.ToUnixTimeMilliseconds();
        Assert.Equal(GatewayEventTypes.RolloutPromoted, published.Type);
        Assert.Equal($"rollout-m-2-{startedAt}-promoted", published.Id);
        Assert.Equal(Status.Decisions[^1].At, published.Timestamp);
        Assert.Equal("m", published.Data["model"]!.GetValue<string>());
        Assert.Equal(2, published.Data["version"]!.GetValue<int>());
        Assert.Equal(1, published.Data["stableVersion"]!.GetValue<int>());
        Assert.Equal("promoted", published.Data["lastDecision"]!["outcome"]!.GetValue<string>());
        Assert.Equal(60, published.Data["lastDecision"]!["figures"]!["canaryRequests"]!.GetValue<long>());
        Assert.Contains("passed every rollout step", published.Data["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, published.Data["decisions"]!.GetValue<int>());
    }

    [Fact]
    public async Task Rollback_publishes_one_rollout_rolled_back_event_with_the_failed_gates()
    {
        Start(10, 50);
        BreakCanary();
        await _bed.HealthyStep();
        await _bed.HealthyStep();
        await _bed.HealthyStep();

        var published = Assert.Single(Events);
        Assert.Equal(GatewayEventTypes.RolloutRolledBack, published.Type);
        Assert.EndsWith("-rolled_back", published.Id, StringComparison.Ordinal);
        Assert.Contains("error rate: canary success rate 0.00%", published.Data["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, published.Data["failures"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_event_the_publisher_could_not_take_is_published_on_the_next_start()
    {
        var failing = new RecordingEventPublisher { Failure = new IOException("outbox disk full") };
        using var bed = new RolloutTestBed(events: failing);
        bed.Controller.Start("m", new RolloutRequest { Canary = 2, Steps = [10] }, "admin");
        await bed.HealthyStep();
        Assert.Equal(RolloutStates.Promoted, bed.Controller.Get("m")!.State);
        Assert.Empty(failing.Events);

        var working = new RecordingEventPublisher();
        bed.Restart(events: working);

        Assert.Equal(GatewayEventTypes.RolloutPromoted, Assert.Single(working.Events).Type);
        bed.Restart(events: working);
        Assert.Single(working.Events);
    }

    [Fact]
    public void Pause_resume_and_abort_of_a_model_without_a_rollout_answer_404_in_the_words_get_uses()
    {
        foreach (var act in new Func<RolloutStatus>[]
        {
            () => _bed.Controller.Pause("m", "admin"),
            () => _bed.Controller.Resume("m", "admin"),
            () => _bed.Controller.Abort("m", "admin"),
        })
        {
            var error = Assert.Throws<DeploymentException>(act);
            Assert.Equal(DeploymentErrorKind.NotFound, error.Kind);
            Assert.Equal(RolloutMessages.NoRollout("m"), error.Message);
        }
    }

    /// <summary>Rewrites the deployments file as a version that kept rollouts in memory only would have left it.</summary>
    private void StripRolloutState()
    {
        var path = _bed.Test.Deployments.StatePath;
        var saved = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.True(saved.Remove("rollouts"));
        File.WriteAllText(path, saved.ToJsonString());
    }
}
