extern alias gateway;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serving.Cli.Tests.Commands;
using Serving.Core.Rollouts;
using Serving.Core.Routing;

namespace Serving.Cli.Tests.Admin;

/// <summary>
/// The real gateway on real Kestrel over a private registry of iris versions (copies of the committed
/// version 1), with admin keys set, for running the CLI against.
/// </summary>
internal sealed class CliGatewayHost : WebApplicationFactory<gateway::Program>
{
    public const string FullKey = "cli-full-key";
    public const string ReadKey = "cli-read-key";

    private readonly IRolloutController? _rollouts;
    private readonly int _port = FreePort();

    private CliGatewayHost(string registry, IRolloutController? rollouts)
    {
        Registry = registry;
        _rollouts = rollouts;
    }

    public string Registry { get; }

    public string Url => $"http://127.0.0.1:{_port}";

    public DeploymentSpec Deployment(string model) => Services.GetRequiredService<DeploymentManager>().Current.Find(model)!.Spec;

    /// <summary>Starts a gateway serving iris versions 1 to <paramref name="versions"/>; <paramref name="prepare"/> gets the registry first.</summary>
    public static async Task<CliGatewayHost> StartAsync(int versions, IRolloutController? rollouts = null, Action<string>? prepare = null)
    {
        var registry = Directory.CreateTempSubdirectory("cli-admin-registry-").FullName;
        for (var v = 1; v <= versions; v++)
        {
            CommittedSamples.CopyVersion("iris", 1, Path.Combine(registry, "iris", v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        prepare?.Invoke(registry);
        var host = new CliGatewayHost(registry, rollouts);
        host.UseKestrel();
        host.StartServer();
        await GatewayReadiness.WaitAsync(host.Services);

        return host;
    }

    /// <summary>Runs <c>serving</c> with this gateway's URL and the given key.</summary>
    public Task<CliRun> RunAsync(string? key, params string[] args) =>
        WideCliRun.Of([.. args, "--url", Url, .. key is null ? Array.Empty<string>() : ["--api-key", key]]);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(Registry, recursive: true);
        }
        catch (IOException)
        {
            // A runtime still closing its file; the temp folder goes with the OS's cleanup.
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Kestrel:Endpoints:Http:Url", Url);
        builder.UseSetting("Kestrel:Endpoints:Grpc:Url", $"http://127.0.0.1:{FreePort()}");
        builder.UseSetting("Serving:Registry:Path", Registry);
        builder.UseSetting("Serving:DataPath", Path.Combine(Registry, ".data"));
        builder.UseSetting("Serving:Admin:ApiKey", FullKey);
        builder.UseSetting("Serving:Admin:ReadOnlyApiKey", ReadKey);
        if (_rollouts is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(_rollouts));
        }
    }

    private static int FreePort()
    {
        return FreePorts.Next();
    }
}
