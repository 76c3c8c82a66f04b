using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

public sealed class RolloutOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_step_through_5_10_25_50()
    {
        var options = new RolloutOptions();

        Assert.Empty(options.Validate());
        Assert.Equal([5, 10, 25, 50], options.EffectiveSteps);
    }

    [Fact]
    public void Zero_minimum_requests_is_refused_because_an_idle_canary_would_pass()
    {
        Assert.Contains(new RolloutOptions { MinRequests = 0 }.Validate(), p => p.StartsWith("Serving:Rollouts:MinRequests", StringComparison.Ordinal));
    }

    [Fact]
    public void An_interval_longer_than_the_statistics_keep_is_refused()
    {
        Assert.Contains(new RolloutOptions { IntervalSeconds = 900, MaxIntervalSeconds = 600 }.Validate(), p => p.Contains("IntervalSeconds", StringComparison.Ordinal));
    }

    [Fact]
    public void Descending_steps_and_shares_above_one_are_refused()
    {
        var problems = new RolloutOptions { Steps = [50, 25], MinSuccessRate = 99 }.Validate().ToList();

        Assert.Contains(problems, p => p.Contains("must ascend", StringComparison.Ordinal));
        Assert.Contains(problems, p => p == "Serving:Rollouts:MinSuccessRate is '99'; use a share from 0 to 1");
    }

    [Theory]
    [InlineData("Resume", false)]
    [InlineData("rollback", true)]
    [InlineData("RollBack", true)]
    public void OnRestart_takes_Resume_or_RollBack(string value, bool rollsBack)
    {
        var options = new RolloutOptions { OnRestart = value };

        Assert.Empty(options.Validate());
        Assert.Equal(rollsBack, options.RollsBackOnRestart);
    }

    [Fact]
    public void Any_other_OnRestart_is_refused_naming_the_key_and_both_choices()
    {
        var problem = Assert.Single(new RolloutOptions { OnRestart = "Ignore" }.Validate());

        Assert.StartsWith("Serving:Rollouts:OnRestart is 'Ignore'; use Resume", problem, StringComparison.Ordinal);
        Assert.Contains("RollBack", problem, StringComparison.Ordinal);
    }
}
