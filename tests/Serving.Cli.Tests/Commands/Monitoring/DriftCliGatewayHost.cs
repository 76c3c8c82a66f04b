extern alias gateway;

using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serving.Core.Monitoring.Drift;

namespace Serving.Cli.Tests.Commands.Monitoring;

/// <summary>The real gateway over a private copy of breast-cancer version 2, with 40-row drift windows.</summary>
internal sealed class DriftCliGatewayHost : WebApplicationFactory<gateway::Program>
{
    public const int WindowRows = 40;

    private readonly int _port = FreePort();

    private DriftCliGatewayHost(string registry) => Registry = registry;

    public string Registry { get; }

    public string Url => $"http://127.0.0.1:{_port}";

    public static async Task<DriftCliGatewayHost> StartAsync()
    {
        var registry = Directory.CreateTempSubdirectory("cli-drift-registry-").FullName;
        CommittedSamples.CopyVersion("breast-cancer", 2, Path.Combine(registry, "breast-cancer", "2"));

        var host = new DriftCliGatewayHost(registry);
        host.UseKestrel();
        host.StartServer();
        await GatewayReadiness.WaitAsync(host.Services);

        return host;
    }

    /// <summary>Sends one window of training rows spread over the file with the first feature (mean radius) doubled, and waits for the drift worker.</summary>
    public async Task SendShiftedWindowAsync()
    {
        var rows = File.ReadAllLines(Path.Combine(Repository.DataDirectory, "breast-cancer.csv")).Skip(1).Where((_, i) => i % 14 == 0).Take(WindowRows)
            .Select(l => l.Split(',')[..^1].Select((v, i) => float.Parse(v, CultureInfo.InvariantCulture) * (i == 0 ? 2 : 1)));
        var data = string.Join(',', rows.SelectMany(r => r).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        using var http = new HttpClient { BaseAddress = new Uri(Url) };
        using var response = await http.PostAsync(
            "/v2/models/breast-cancer/infer",
            new StringContent($$"""{"inputs":[{"name":"input","shape":[{{WindowRows}},30],"datatype":"FP32","data":[{{data}}]}]}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        await Services.GetRequiredService<DriftMonitor>().FlushAsync(TimeSpan.FromSeconds(30));
    }

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
        builder.UseSetting("Serving:Monitoring:WindowRows", WindowRows.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Serving:Monitoring:PredictionLog:Directory", Registry + "-predictions");
    }

    private static int FreePort()
    {
        return FreePorts.Next();
    }
}
