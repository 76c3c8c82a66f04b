using Serving.Core.Contracts;
using Serving.Core.Rollouts;
using Serving.Core.Routing;

namespace Serving.Core.Tests.Rollouts;

public sealed class RolloutControllerTests : IDisposable
{
    private readonly RolloutTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    private RolloutStatus Start(params int[] steps) =>
        _bed.Controller.Start("m", new RolloutRequest { Canary = 2, Steps = steps.Length == 0 ? null : steps }, "admin");

    private RolloutStatus Status => _bed.Controller.Get("m")!;

    [Fact]
    public void Start_sets_the_canary_at_the_first_step_and_keeps_stable()
    {
        var status = Start();

        Assert.Equal(new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = 5 }, _bed.Deployment.Spec);
        Assert.Equal([5, 10, 25, 50], status.Steps);
        Assert.Equal(RolloutStates.Running, status.State);
        Assert.Equal(RolloutStates.Started, Assert.Single(status.Decisions).Outcome);
        Assert.Equal(_bed.Time.GetUtcNow() + TimeSpan.FromSeconds(60), status.NextCheckAt);
    }

    [Fact]
    public async Task Passing_every_step_promotes_the_canary()
    {
        Start(10, 50);

        await _bed.HealthyStep();
        Assert.Equal(50, _bed.Deployment.Spec.CanaryWeight);
        await _bed.HealthyStep();

        Assert.Equal(new DeploymentSpec { Stable = 2 }, _bed.Deployment.Spec);
        Assert.Equal(RolloutStates.Promoted, Status.State);
        Assert.Equal([RolloutStates.Started, RolloutStates.Passed, RolloutStates.Promoted], Status.Decisions.Select(d => d.Outcome));
        Assert.Equal([10, 10, 50], Status.Decisions.Select(d => d.Weight));
    }

    [Fact]
    public async Task Each_judged_decision_carries_the_figures_of_its_interval()
    {
        Start(10, 50);
        await _bed.Send(1, 80);
        await _bed.Send(2, 60);
        _bed.Time.Advance(TimeSpan.FromSeconds(60));

        var figures = Status.Decisions[^1].Figures!;
        Assert.Equal(80, figures.StableRequests);
        Assert.Equal(60, figures.CanaryRequests);
        Assert.Equal(0, figures.CanaryErrorRate);
        Assert.NotNull(figures.CanaryP99Ms);
        Assert.Equal(0, figures.PredictionPsi!.Value, 6);
        Assert.Null(figures.CanaryAccuracy);
        Assert.Contains(Status.Decisions[^1].Reasons, r => r.StartsWith("accuracy not judged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_canary_with_too_little_traffic_waits_instead_of_passing()
    {
        Start(10, 50);
        await _bed.Send(1, 60);
        await _bed.Send(2, 10);
        _bed.Time.Advance(TimeSpan.FromSeconds(60));
        _bed.Time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(RolloutStates.Waiting, Status.State);
        Assert.Equal(10, _bed.Deployment.Spec.CanaryWeight);
        Assert.Equal([RolloutStates.Started, RolloutStates.Waiting, RolloutStates.Waiting], Status.Decisions.Select(d => d.Outcome));
        Assert.Contains("fewer than the 50 needed", Status.Decisions[^1].Reasons[0], StringComparison.Ordinal);
        Assert.Equal(0, Status.Failures);
    }

    [Fact]
    public async Task A_waiting_step_is_judged_on_the_traffic_it_accumulated()
    {
        Start(10, 50);
        await _bed.Send(1, 60);
        await _bed.Send(2, 30);
        _bed.Time.Advance(TimeSpan.FromSeconds(60));
        await _bed.Send(2, 30);
        _bed.Time.Advance(TimeSpan.FromSeconds(60));

        var passed = Status.Decisions[^1];
        Assert.Equal(RolloutStates.Passed, passed.Outcome);
        Assert.Equal(60, passed.Figures!.CanaryRequests);
        Assert.Equal(50, _bed.Deployment.Spec.CanaryWeight);
    }

    [Fact]
    public async Task A_canary_that_fails_requests_is_rolled_back_once_failures_exceed_the_limit()
    {
        Start(10, 50);
        _bed.Runtime(2).BeforeRun = () => throw new InferenceException(InferenceErrorKind.Internal, "the canary is broken");

        for (var check = 1; check <= 2; check++)
        {
            await _bed.HealthyStep();
            Assert.Equal(RolloutStates.Running, Status.State);
            Assert.Equal(check, Status.Failures);
            Assert.Equal(10, _bed.Deployment.Spec.CanaryWeight);
        }

        await _bed.HealthyStep();

        Assert.Equal(RolloutStates.RolledBack, Status.State);
        Assert.Equal(new DeploymentSpec { Stable = 1 }, _bed.Deployment.Spec);
        var last = Status.Decisions[^1];
        Assert.Equal(1, last.Figures!.CanaryErrorRate);
        Assert.Contains(last.Reasons, r => r.StartsWith("error rate: canary success rate 0.00%", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failure_limit_of_zero_rolls_back_on_the_first_failed_check()
    {
        using var strict = new RolloutTestBed(new RolloutOptions { FailureLimit = 0 });
        strict.Controller.Start("m", new RolloutRequest { Canary = 2 }, "admin");
        strict.Runtime(2).BeforeRun = () => throw new InferenceException(InferenceErrorKind.Internal, "the canary is broken");

        await strict.HealthyStep();

        Assert.Equal(RolloutStates.RolledBack, strict.Controller.Get("m")!.State);
        Assert.Equal(new DeploymentSpec { Stable = 1 }, strict.Deployment.Spec);
    }

    [Fact]
    public async Task A_tolerated_failure_holds_the_step_and_a_later_pass_moves_on()
    {
        Start(10, 50);
        _bed.Runtime(2).BeforeRun = () => throw new InferenceException(InferenceErrorKind.Internal, "a bad minute");
        await _bed.HealthyStep();
        _bed.Runtime(2).BeforeRun = null;
        await _bed.HealthyStep();

        Assert.Equal([RolloutStates.Started, RolloutStates.Failed, RolloutStates.Passed], Status.Decisions.Select(d => d.Outcome));
        Assert.Equal(1, Status.Failures);
        Assert.Equal(50, _bed.Deployment.Spec.CanaryWeight);
    }

    [Fact]
    public async Task Bad_requests_from_callers_do_not_count_against_the_canary()
    {
        Start(10, 50);
        await _bed.Send(1, 60);
        await _bed.Send(2, 60);
        for (var i = 0; i < 40; i++)
        {
            var wrongShape = Tensor.FromValues("features", TensorDataType.FP32, [1, 2], (ReadOnlySpan<float>)[1f, 2f]);
            await Assert.ThrowsAsync<InferenceException>(() =>
                _bed.Service.InferAsync(new InferenceRequest { ModelName = "m", Version = "2", Inputs = [wrongShape] }, CancellationToken.None).AsTask());
        }

        _bed.Time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(RolloutStates.Passed, Status.Decisions[^1].Outcome);
        Assert.Equal(60, Status.Decisions[^1].Figures!.CanaryRequests);
    }

    [Fact]
    public void A_slower_canary_fails_the_latency_gate()
    {
        Start(10, 50);
        _bed.Feed(1, 100, TimeSpan.FromMilliseconds(20));
        _bed.Feed(2, 100, TimeSpan.FromMilliseconds(45));
        _bed.Time.Advance(TimeSpan.FromSeconds(60));

        var failed = Status.Decisions[^1];
        Assert.Equal(RolloutStates.Failed, failed.Outcome);
        Assert.InRange(failed.Figures!.CanaryP99Ms!.Value, 40, 49);
        Assert.Contains(failed.Reasons, r => r.StartsWith("p99 latency: canary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_canary_whose_predictions_shift_fails_the_distribution_gate()
    {
        Start(10, 50);
        await _bed.Send(1, 60, value: 0.01f);
        await _bed.Send(2, 60, value: 20f);
        _bed.Time.Advance(TimeSpan.FromSeconds(60));

        var failed = Status.Decisions[^1];
        Assert.Equal(RolloutStates.Failed, failed.Outcome);
        Assert.True(failed.Figures!.PredictionPsi > 0.2);
        Assert.Contains(failed.Reasons, r => r.StartsWith("prediction shift: PSI", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_canary_less_accurate_than_stable_fails_once_accuracy_is_known()
    {
        Start(10, 50);
        _bed.Accuracy.ByVersion[1] = 0.93;
        _bed.Accuracy.ByVersion[2] = 0.88;
        await _bed.HealthyStep();

        var failed = Status.Decisions[^1];
        Assert.Equal(RolloutStates.Failed, failed.Outcome);
        Assert.Equal(0.88, failed.Figures!.CanaryAccuracy);
        Assert.Contains(failed.Reasons, r => r.StartsWith("accuracy: canary 88.00%", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_paused_rollout_is_not_judged_and_resumes_with_a_fresh_interval()
    {
        Start(10, 50);
        _bed.Controller.Pause("m", "admin");
        await _bed.HealthyStep();
        await _bed.HealthyStep();

        Assert.Equal(RolloutStates.Paused, Status.State);
        Assert.Null(Status.NextCheckAt);
        Assert.Equal(10, _bed.Deployment.Spec.CanaryWeight);

        _bed.Controller.Resume("m", "admin");
        _bed.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(RolloutStates.Waiting, Status.State);

        await _bed.HealthyStep();
        Assert.Equal(
            [RolloutStates.Started, RolloutStates.Paused, RolloutStates.Resumed, RolloutStates.Waiting, RolloutStates.Passed],
            Status.Decisions.Select(d => d.Outcome));
    }

    [Fact]
    public void Abort_removes_the_canary_and_keeps_stable()
    {
        Start();

        var status = _bed.Controller.Abort("m", "admin");

        Assert.Equal(RolloutStates.Aborted, status.State);
        Assert.Equal(new DeploymentSpec { Stable = 1 }, _bed.Deployment.Spec);
        Assert.Equal(["aborted by admin"], status.Decisions[^1].Reasons);
        var again = Assert.Throws<DeploymentException>(() => _bed.Controller.Abort("m", "admin"));
        Assert.Equal(DeploymentErrorKind.Conflict, again.Kind);
    }

    [Fact]
    public void Removing_the_canary_by_hand_ends_the_rollout_as_aborted()
    {
        Start();

        _bed.Test.Deployments.Set("m", new DeploymentSpec { Stable = 1 }, "admin", "by hand");

        Assert.Equal(RolloutStates.Aborted, Status.State);
        Assert.Contains("changed by admin (by hand)", Status.Decisions[^1].Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_the_weight_by_hand_leaves_the_rollout_running()
    {
        Start();

        _bed.Test.Deployments.SetCanaryWeight("m", 20, "admin", "by hand");

        Assert.Equal(RolloutStates.Running, Status.State);
    }

    [Theory]
    [InlineData("m", 1, DeploymentErrorKind.Invalid, "already stable")]
    [InlineData("m", 9, DeploymentErrorKind.Invalid, "has no version 9")]
    [InlineData("nope", 2, DeploymentErrorKind.NotFound, "not found")]
    public void Start_refuses_what_cannot_be_rolled_out(string model, int canary, DeploymentErrorKind kind, string message)
    {
        var error = Assert.Throws<DeploymentException>(() => _bed.Controller.Start(model, new RolloutRequest { Canary = canary }, "admin"));

        Assert.Equal(kind, error.Kind);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(new DeploymentSpec { Stable = 1 }, _bed.Deployment.Spec);
    }

    [Theory]
    [InlineData(new[] { 10, 5 }, "must ascend")]
    [InlineData(new[] { 0, 5 }, "between 1 and 99")]
    [InlineData(new[] { 50, 100 }, "between 1 and 99")]
    public void Start_refuses_steps_that_do_not_ascend_below_100(int[] steps, string message)
    {
        var error = Assert.Throws<DeploymentException>(() => Start(steps));

        Assert.Equal(DeploymentErrorKind.Invalid, error.Kind);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_refuses_a_second_rollout_while_one_runs()
    {
        Start();

        var error = Assert.Throws<DeploymentException>(() => Start());

        Assert.Equal(DeploymentErrorKind.Conflict, error.Kind);
    }
}
