using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Oip;
using Serving.Gateway.Tests.Grpc;

namespace Serving.Gateway.Tests.Rest.Oip;

/// <summary>
/// A real Kestrel server on a free loopback port serving only the OIP REST endpoints over the transport tests' fake
/// data plane, whose "echo" model answers with its inputs: any datatype, any number of inputs, BYTES included.
/// </summary>
internal sealed class OipEchoHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private OipEchoHost(WebApplication app, FakeInferenceService service, HttpClient client)
    {
        this.app = app;
        Service = service;
        Client = client;
    }

    public FakeInferenceService Service { get; }

    public HttpClient Client { get; }

    public static async Task<OipEchoHost> StartAsync()
    {
        var service = new FakeInferenceService();
        var builder = WebApplication.CreateSlimBuilder(Hosting.BareHostOptions.Create());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<IInferenceService>(service);
        builder.Services.AddOptions<RequestLimits>();
        var app = builder.Build();
        app.MapOipEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OipEchoHost(app, service, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
