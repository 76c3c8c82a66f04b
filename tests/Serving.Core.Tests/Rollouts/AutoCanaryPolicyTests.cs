using Serving.Core.Rollouts;
using Serving.Core.Routing;

namespace Serving.Core.Tests.Rollouts;

public sealed class AutoCanaryPolicyTests
{
    [Fact]
    public void Publishing_a_version_under_auto_canary_starts_an_analysed_rollout()
    {
        using var bed = new RolloutTestBed(policy: "auto-canary");

        bed.Test.Publish("m", 3);
        bed.Test.Registry.Scan();

        var status = bed.Controller.Get("m");
        Assert.NotNull(status);
        Assert.Equal(3, status.Canary);
        Assert.Equal(RolloutStates.Running, status.State);
        Assert.Equal("policy auto-canary", bed.Deployment.ChangedBy);
        // Version 2 arrived before the controller existed, so the policy only set it as canary; the rollout replaces it.
        Assert.Equal(new DeploymentSpec { Stable = 1, Canary = 3, CanaryWeight = 5 }, bed.Deployment.Spec);
    }

    [Fact]
    public void A_newer_publication_supersedes_the_rollout_in_progress()
    {
        using var bed = new RolloutTestBed(policy: "auto-canary");
        bed.Test.Publish("m", 3);
        bed.Test.Registry.Scan();

        bed.Test.Publish("m", 4);
        bed.Test.Registry.Scan();

        Assert.Equal(4, bed.Controller.Get("m")!.Canary);
        Assert.Equal(4, bed.Deployment.Spec.Canary);
    }
}
