using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Serving.Core.Rollouts;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>
/// The real gateway on real Kestrel with admin keys set, every log line captured, and optionally a fake
/// rollout controller (the real one is another component's).
/// </summary>
public sealed class AdminGatewayHost : WebApplicationFactory<Program>
{
    public const string FullKey = "full-key-5b1c0e7d-never-logged";
    public const string ReadKey = "read-key-9a4f2c31-never-logged";

    private readonly Dictionary<string, string?> _settings;
    private readonly IRolloutController? _rollouts;
    private readonly bool _withoutRollouts;

    /// <param name="rollouts">A rollout controller to use instead of the gateway's own.</param>
    /// <param name="withoutRollouts">Removes any rollout controller, to see how the API answers without one.</param>
    public AdminGatewayHost(string registryPath, IRolloutController? rollouts = null, IReadOnlyDictionary<string, string?>? settings = null, bool withoutRollouts = false)
    {
        _rollouts = rollouts;
        _withoutRollouts = withoutRollouts;
        RestPort = FreePort();
        _settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{RestPort}",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{FreePort()}",
            ["Serving:Registry:Path"] = registryPath,
            ["Serving:DataPath"] = registryPath + "-data",
            ["Serving:Registry:RescanSeconds"] = "0.5",
            ["Serving:Registry:SettleSeconds"] = "1",
            ["Serving:Admin:ApiKey"] = FullKey,
            ["Serving:Admin:ReadOnlyApiKey"] = ReadKey,
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public int RestPort { get; }

    /// <summary>Every message logged while the host ran.</summary>
    public CapturedLogs Logs { get; } = new();

    public async Task<AdminGatewayHost> StartAsync()
    {
        UseKestrel();
        StartServer();
        await GatewayReadiness.WaitAsync(Services);

        return this;
    }

    public AdminClient CreateClient(string? key) =>
        new(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{RestPort}"), Timeout = TimeSpan.FromSeconds(60) }, key);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(Logs);
            if (_withoutRollouts)
            {
                services.RemoveAll<IRolloutController>();
            }

            if (_rollouts is not null)
            {
                services.AddSingleton(_rollouts);
            }
        });
    }

    private static int FreePort()
    {
        return FreePorts.Next();
    }
}
