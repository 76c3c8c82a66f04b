namespace Serving.Gateway.Tests.Hosting;

/// <summary>One real gateway serving a private copy of the committed sample models, shared by a test class.</summary>
public sealed class SampleGatewayFixture : IAsyncLifetime
{
    public SampleRegistry Registry { get; } = new();

    public GatewayHost Host { get; private set; } = null!;

    public HttpClient Rest { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await new GatewayHost(Registry.Path).StartAsync();
        Rest = Host.CreateRestClient();
    }

    public async ValueTask DisposeAsync()
    {
        Rest.Dispose();
        await Host.DisposeAsync();
        Registry.Dispose();
    }
}
