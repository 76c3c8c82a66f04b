using Serving.Core.Coordination;
using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

/// <summary>Across replicas only the leader judges rollout steps; a replica that becomes the leader takes the rollout up.</summary>
public sealed class RolloutLeadershipTests : IDisposable
{
    private readonly SettableLeadership _leadership = new();
    private readonly RolloutTestBed _bed;

    public RolloutLeadershipTests() => _bed = new RolloutTestBed(leadership: _leadership);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_follower_does_not_judge_a_step_and_takes_the_rollout_up_with_a_fresh_window_once_it_leads()
    {
        _leadership.IsLeader = false;
        _bed.Controller.Start("m", new RolloutRequest { Canary = 2, Steps = [10, 50] }, "admin");

        await _bed.HealthyStep();
        await _bed.HealthyStep();
        Assert.Equal(10, _bed.Deployment.Spec.CanaryWeight);
        Assert.Equal([RolloutStates.Started], _bed.Controller.Get("m")!.Decisions.Select(d => d.Outcome));

        _leadership.Become(leader: true);
        var status = _bed.Controller.Get("m")!;
        Assert.Equal([RolloutStates.Started, RolloutStates.Resumed], status.Decisions.Select(d => d.Outcome));
        Assert.Equal(_bed.Time.GetUtcNow() + TimeSpan.FromSeconds(_bed.Options.IntervalSeconds), status.NextCheckAt);

        await _bed.HealthyStep();
        Assert.Equal(50, _bed.Deployment.Spec.CanaryWeight);
    }

    [Fact]
    public async Task A_leader_that_loses_leadership_stops_judging()
    {
        _bed.Controller.Start("m", new RolloutRequest { Canary = 2, Steps = [10, 50] }, "admin");
        _leadership.Become(leader: false);

        await _bed.HealthyStep();
        Assert.Equal(10, _bed.Deployment.Spec.CanaryWeight);
        Assert.Null(_bed.Controller.Get("m")!.NextCheckAt);
    }

    private sealed class SettableLeadership : ILeadership, ILeadershipChanges
    {
        public event Action<bool>? LeadershipChanged;

        public bool IsLeader { get; set; } = true;

        public long FencingToken => 1;

        public void Become(bool leader)
        {
            IsLeader = leader;
            LeadershipChanged?.Invoke(leader);
        }
    }
}
