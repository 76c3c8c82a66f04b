using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Mlflow;

namespace Serving.Gateway.Tests.Rest.Mlflow;

/// <summary>A real Kestrel server on a free loopback port serving only the MLflow endpoints over a fake data plane.</summary>
internal sealed class MlflowTestHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private MlflowTestHost(WebApplication app, HttpClient client)
    {
        this.app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<MlflowTestHost> StartAsync(IInferenceService service, long? maxRequestBodySize = null)
    {
        var builder = WebApplication.CreateSlimBuilder(Hosting.BareHostOptions.Create());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            if (maxRequestBodySize is { } limit)
            {
                options.Limits.MaxRequestBodySize = limit;
            }
        });
        builder.Services.AddSingleton(service);
        var app = builder.Build();
        app.MapMlflowEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MlflowTestHost(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
