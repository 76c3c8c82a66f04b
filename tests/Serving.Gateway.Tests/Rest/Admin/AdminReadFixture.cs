using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>
/// One gateway for tests that only read (or are refused): iris versions 1 and 2 (2 with a retrainer's lineage), a corrupt version 3, and the
/// diabetes model; a fake rollout controller.
/// </summary>
public sealed class AdminReadFixture : IAsyncLifetime
{
    public SampleRegistry Registry { get; } = AdminRegistry.Iris(2);

    public FakeRolloutController Rollouts { get; } = new();

    public AdminGatewayHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        AdminRegistry.AddCorruptVersion(Registry, "iris", 3);
        RetrainedLineage.WriteInto(Path.Combine(Registry.Path, "iris", "2"));
        CommittedSamples.CopyTo(Registry.Path, "diabetes");
        Host = await new AdminGatewayHost(Registry.Path, Rollouts).StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Registry.Dispose();
    }
}
