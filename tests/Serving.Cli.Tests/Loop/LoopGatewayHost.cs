extern alias gateway;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Serving.Cli.Tests.Loop;

/// <summary>
/// The real gateway on real Kestrel (127.0.0.1) with the given settings and the test's clock in place of the
/// system's, so drift windows, rollout steps and delivery back-off move when the test moves the clock.
/// </summary>
internal sealed class LoopGatewayHost(IReadOnlyDictionary<string, string> settings, TimeProvider time, int port) : WebApplicationFactory<gateway::Program>
{
    public string Url => $"http://127.0.0.1:{port}";

    /// <summary>Starts it and waits for its first registry scan.</summary>
    public async Task StartAsync()
    {
        UseKestrel();
        StartServer();
        await GatewayReadiness.WaitAsync(Services);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Kestrel:Endpoints:Http:Url", Url);
        builder.UseSetting("Kestrel:Endpoints:Grpc:Url", $"http://127.0.0.1:{FreePorts.Next()}");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton(time));
    }
}
