using System.Net;
using Serving.Gateway.Tests.Hosting;
using Serving.Gateway.Tests.Rest.Admin;

namespace Serving.Gateway.Tests.Coordination;

/// <summary>The replicas harness itself: separate processes on their own ports, one stopped or killed without the others noticing.</summary>
public sealed class GatewayReplicasTests : IDisposable
{
    private readonly SampleRegistry _registry = AdminRegistry.Iris(1);

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Two_replicas_serve_on_their_own_ports_and_one_stopped_or_killed_leaves_the_other_serving()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var replicas = await GatewayReplicas.StartAsync(2, _registry.Path);
        Assert.NotEqual(replicas.BaseUrls[0], replicas.BaseUrls[1]);
        Assert.NotEqual(replicas.DataDirectories[0], replicas.DataDirectories[1]);

        using var first = replicas.CreateClient(0);
        using var second = replicas.CreateClient(1);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync(new Uri("v2/models/iris/ready", UriKind.Relative), cancellation)).StatusCode);

        Assert.Equal(0, await replicas.StopAsync(0));
        Assert.False(replicas.IsRunning(0));
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync(new Uri("v2/models/iris/ready", UriKind.Relative), cancellation)).StatusCode);

        replicas.Kill(1);
        Assert.False(replicas.IsRunning(1));
        await Assert.ThrowsAsync<HttpRequestException>(() => second.GetAsync(new Uri("v2/health/live", UriKind.Relative), cancellation));
    }
}
