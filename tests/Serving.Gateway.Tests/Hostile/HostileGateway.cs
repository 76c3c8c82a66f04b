using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serving.Core.Monitoring.Logging;
using Serving.Gateway.Tests.Hosting;
using Serving.Tests.Shared;

namespace Serving.Gateway.Tests.Hostile;

/// <summary>
/// The real gateway on real Kestrel (REST over HTTP/1.1, gRPC over HTTP/2, free loopback ports) serving the iris
/// sample, with admin keys set and a log meter attached, plus the vital signs the hostile suite compares before and
/// after each class of requests: open file descriptors, prediction-log folders, managed memory, and a good request
/// answered as at the start and written to the prediction log.
/// </summary>
public sealed class HostileGateway : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string FullKey = "hostile-full-key-3c9e1f70";
    public const string ReadKey = "hostile-read-key-a81d4b26";

    /// <summary>The good request every class is followed by; its answer must equal the one at the start.</summary>
    public const string GoodBody = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.3,3.3,6.0,2.5]}]}""";

    private readonly Dictionary<string, string?> _settings;
    private int _goodRequests;

    public HostileGateway()
    {
        RestPort = FreePorts.Next();
        GrpcPort = FreePorts.Next();
        _settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{RestPort}",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{GrpcPort}",
            ["Serving:Registry:Path"] = Registry.Path,
            ["Serving:Registry:RescanSeconds"] = "0.5",
            ["Serving:Registry:SettleSeconds"] = "2",
            ["Serving:Monitoring:PredictionLog:Directory"] = Registry.Path + "-predictions",
            ["Serving:DataPath"] = Registry.Path + "-data",
            ["Serving:DefaultModel"] = "iris",
            ["Serving:Admin:ApiKey"] = FullKey,
            ["Serving:Admin:ReadOnlyApiKey"] = ReadKey,
        };
    }

    public SampleRegistry Registry { get; } = new("iris");

    public LogLineMeter Logs { get; } = new();

    public int RestPort { get; }

    public int GrpcPort { get; }

    public Uri RestUri => new($"http://127.0.0.1:{RestPort}");

    public Uri GrpcUri => new($"http://127.0.0.1:{GrpcPort}");

    public string PredictionLogPath => _settings["Serving:Monitoring:PredictionLog:Directory"]!;

    /// <summary>The outputs of the good request at the start, as JSON text.</summary>
    public string GoodOutputs { get; private set; } = string.Empty;

    /// <summary>Managed heap after a full collection, once the gateway had served its first request.</summary>
    public long StartMemory { get; private set; }

    /// <summary>Open file descriptors once the gateway had served its first request.</summary>
    public int StartDescriptors { get; private set; }

    /// <summary>The prediction-log folders once the gateway had served its first request.</summary>
    public IReadOnlyList<string> StartFolders { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        UseKestrel();
        StartServer();
        await GatewayReadiness.WaitAsync(Services);
        var (status, outputs, _) = await SendGoodAsync();
        Assert.True(status == 200, $"the good request must succeed before the suite starts, got {status}");
        GoodOutputs = outputs;
        await FlushPredictionLogAsync();
        StartDescriptors = OpenDescriptors();
        StartFolders = PredictionFolders();
        StartMemory = GC.GetTotalMemory(forceFullCollection: true);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Registry.Dispose();
    }

    /// <summary>A REST client that allows <paramref name="connections"/> pooled connections.</summary>
    public HttpClient CreateRestClient(int connections) => new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) })
    {
        BaseAddress = RestUri,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Posts the good request with a fresh id: its status, its outputs as JSON text and the id.</summary>
    public async Task<(int Status, string Outputs, string Id)> SendGoodAsync()
    {
        var id = $"good-{Interlocked.Increment(ref _goodRequests)}";
        using var client = CreateRestClient(1);
        using var content = new StringContent(GoodBody.Replace("{\"inputs\"", $"{{\"id\":\"{id}\",\"inputs\"", StringComparison.Ordinal), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/v2/models/iris/infer", content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            return ((int)response.StatusCode, text, id);
        }

        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.GetProperty("outputs").GetRawText(), id);
    }

    /// <summary>Waits (at most 10 s) until the prediction log has written what it was handed.</summary>
    public Task FlushPredictionLogAsync() => Services.GetRequiredService<PredictionLogger>().FlushAsync(TimeSpan.FromSeconds(10));

    /// <summary>Whether the prediction log holds a line for <paramref name="id"/> under the iris folder.</summary>
    public bool PredictionLogged(string id)
    {
        var folder = Path.Combine(PredictionLogPath, "iris");
        if (!Directory.Exists(folder))
        {
            return false;
        }

        var quoted = $"\"id\":\"{id}\"";
        foreach (var file in Directory.GetFiles(folder))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains(quoted, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Open file descriptors of this process (Kestrel runs in it).</summary>
    public static int OpenDescriptors() => OpenFiles.Descriptors();

    /// <summary>The folder names under the prediction log, sorted.</summary>
    public IReadOnlyList<string> PredictionFolders() => Directory.Exists(PredictionLogPath)
        ? [.. Directory.GetDirectories(PredictionLogPath).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal)]
        : [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        // Only the meter: thousands of refusals written to the console would make the suite slow, not the gateway.
        builder.ConfigureLogging(logging => logging.ClearProviders());
        builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(Logs));
    }
}
