using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serving.Core.Health;
using Serving.Core.Inference;
using Serving.Gateway.Grpc;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>
/// A minimal real Kestrel server on 127.0.0.1 with an HTTP/2-only endpoint that serves the OIP gRPC transport
/// over a given data plane, and a real gRPC client channel to it.
/// </summary>
internal sealed class GrpcTestHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private GrpcTestHost(WebApplication app, GrpcChannel channel)
    {
        this.app = app;
        Channel = channel;
    }

    /// <summary>A client channel to the server (HTTP/2 cleartext).</summary>
    public GrpcChannel Channel { get; }

    /// <summary>The server's address, for raw HTTP/2 calls.</summary>
    public Uri Address => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    /// <summary>
    /// Starts a server; <paramref name="maxRequestBodySize"/> overrides Kestrel's body limit, and
    /// <paramref name="logs"/> receives what it logs from Information up (the gateway's default level).
    /// </summary>
    public static async Task<GrpcTestHost> StartAsync(IInferenceService inference, long? maxRequestBodySize = null, ILoggerProvider? logs = null)
    {
        var builder = WebApplication.CreateSlimBuilder(Hosting.BareHostOptions.Create());
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Information).AddProvider(logs);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            if (maxRequestBodySize is { } limit)
            {
                kestrel.Limits.MaxRequestBodySize = limit;
            }
        });
        builder.Services.AddSingleton(inference);
        builder.Services.AddSingleton<IReadinessDetail>(new DataPlaneReadiness(inference));
        builder.Services.AddOipGrpc();

        var app = builder.Build();
        app.MapOipGrpc();
        await app.StartAsync(TestContext.Current.CancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GrpcTestHost(app, GrpcChannel.ForAddress(address));
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}
