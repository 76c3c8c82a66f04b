using Serving.Core.Routing;

namespace Serving.Core.Tests.Routing;

/// <summary>The deployment line in the gateway's log names what it has, and says none for what it has not.</summary>
public sealed class RoutingLogTests
{
    [Fact]
    public void A_deployment_without_canary_or_shadow_says_none()
    {
        var logger = new ListLogger<DeploymentManager>();

        RoutingLog.DeploymentChanged(logger, "iris", 2, null, 0, null, "admin", "set by admin");

        Assert.Equal("iris: deployment is now stable 2, canary none, shadow none (admin: set by admin)", Assert.Single(logger.Entries).Message);
    }

    [Fact]
    public void A_deployment_with_canary_and_shadow_names_them_and_the_canarys_weight()
    {
        var logger = new ListLogger<DeploymentManager>();

        RoutingLog.DeploymentChanged(logger, "iris", 2, 3, 10, 4, "rollout", "step");

        Assert.Equal("iris: deployment is now stable 2, canary 3 at 10%, shadow 4 (rollout: step)", Assert.Single(logger.Entries).Message);
    }
}
