using Serving.Core.Routing;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Routing;

/// <summary>Not ready until the saved deployments are restored over the registry's first scan, so no probe sends traffic before.</summary>
public sealed class DeploymentReadinessTests
{
    [Fact]
    public void Deployments_are_not_ready_before_the_first_scan_and_ready_once_restored_over_it()
    {
        using var test = new TestRegistry();
        test.Publish("m", 1);
        var readiness = new DeploymentReadiness(test.Deployments);

        var before = readiness.Check();
        test.Registry.Scan();
        var after = readiness.Check();

        Assert.False(before.Ready);
        Assert.True(before.Required);
        Assert.Contains(test.Deployments.StatePath, before.Reason, StringComparison.Ordinal);
        Assert.True(after.Ready);
        Assert.Equal(1, test.Deployments.Current.Find("m")!.Spec.Stable);
    }
}
