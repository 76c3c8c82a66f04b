using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serving.Gateway.Tests.Rest.Admin;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>
/// The real gateway on real Kestrel, listening on free loopback ports (REST over HTTP/1.1, gRPC over HTTP/2),
/// serving a registry folder of the test's choosing.
/// </summary>
public sealed class GatewayHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly CapturedLogs? _logs;

    public GatewayHost(string registryPath, IReadOnlyDictionary<string, string?>? settings = null, CapturedLogs? logs = null)
    {
        _logs = logs;
        RegistryPath = registryPath;
        RestPort = FreePort();
        GrpcPort = FreePort();
        _settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{RestPort}",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{GrpcPort}",
            ["Serving:Registry:Path"] = registryPath,
            ["Serving:Registry:RescanSeconds"] = "0.5",
            ["Serving:Registry:SettleSeconds"] = "2",
            ["Serving:Monitoring:PredictionLog:Directory"] = registryPath + "-predictions",
            // Each host its own data directory (beside the registry copy), not the shared default under the test binaries.
            ["Serving:DataPath"] = registryPath + "-data",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string RegistryPath { get; }

    /// <summary>Where this host writes its prediction log (beside the registry copy).</summary>
    public string PredictionLogPath => _settings["Serving:Monitoring:PredictionLog:Directory"]!;

    /// <summary>
    /// The prediction log's line for <paramref name="id"/> under <paramref name="model"/>'s folder, parsed; waits up to
    /// 20 s for it, since the log is written off the request path, at the monitoring pipeline's next drain.
    /// </summary>
    public async Task<System.Text.Json.JsonElement> LogLineAsync(string model, string id)
    {
        var folder = Path.Combine(PredictionLogPath, model);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var line = Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.jsonl").SelectMany(File.ReadLines).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.Clone())
                    .FirstOrDefault(l => l.GetProperty("id").GetString() == id)
                : default;
            if (line.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                return line;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no log line with id {id} under {folder} within 20 s");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public int RestPort { get; }

    public int GrpcPort { get; }

    public Uri RestUri => new($"http://127.0.0.1:{RestPort}");

    public Uri GrpcUri => new($"http://127.0.0.1:{GrpcPort}");

    /// <summary>Starts Kestrel and waits until the registry has been read.</summary>
    public async Task<GatewayHost> StartAsync()
    {
        UseKestrel();
        StartServer();
        await GatewayReadiness.WaitAsync(Services);

        return this;
    }

    /// <summary>A client for the REST port, over the real socket.</summary>
    public HttpClient CreateRestClient() => new() { BaseAddress = RestUri, Timeout = TimeSpan.FromSeconds(30) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        if (_logs is { } logs)
        {
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(logs));
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    private static int FreePort()
    {
        return FreePorts.Next();
    }
}
