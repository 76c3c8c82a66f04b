using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serving.Core.Coordination;
using Serving.Core.Events;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Shadow;
using Serving.Core.Registry;
using Serving.Core.Routing;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Onnx;
using Serving.Core.Storage;
using Serving.Gateway.Grpc;
using Serving.Gateway.Metrics;
using Serving.Gateway.Rest.Admin;
using Serving.Gateway.Rest.Http;
using Serving.Gateway.Rest.Mlflow;
using Serving.Gateway.Rest.Monitoring;
using Serving.Gateway.Rest.Oip;
using Serving.Gateway.Rest.Repository;
using Serving.Gateway.Settings;

namespace Serving.Gateway.Hosting;

/// <summary>Wires the gateway: options validated at start-up, the registry, the data plane and every transport.</summary>
internal static class GatewayHostExtensions
{
    public static WebApplicationBuilder AddServingGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // Limits such as MaxRequestBodySize apply only when the Kestrel section is bound explicitly.
        services.Configure<KestrelServerOptions>(configuration.GetSection("Kestrel"));

        services.AddOptions<ServingOptions>().Bind(configuration.GetSection("Serving")).ValidateOnStart();
        services.AddOptions<RequestLimits>().Bind(configuration.GetSection("Serving:Limits")).ValidateSettings("Serving:Limits");
        services.AddOptions<DataPathOptions>().Bind(configuration.GetSection("Serving")).ValidateSettings("Serving");
        services.AddSingleton(sp => DataPaths.From(sp.GetRequiredService<IOptions<DataPathOptions>>().Value));
        services.AddSingleton<DataDirectoryStatus>();
        // First of the hosted services: the data directory is checked (and a problem said) before the registry's first scan.
        services.AddHostedService<DataDirectoryMonitor>();
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection("Serving:Registry")).ValidateSettings("Serving:Registry");

        services.AddSingleton(TimeProvider.System);
        // One Redis connection for every part that shares state, opened only when Serving:Redis:Configuration is set;
        // the leader lease is the first hosted service, so it is the last to stop and is released after the rest.
        services.AddSharedRedis();
        services.AddSharedState(configuration);
        // The webhook outbox is the event publisher; the no-op one stays for hosts that do not wire webhooks.
        services.AddWebhooks(configuration);
        services.TryAddSingleton<IGatewayEventPublisher>(NoEventPublisher.Instance);
        services.TryAddSingleton<ILeadership>(SingleProcessLeadership.Instance);
        services.AddRuntimeFactories(configuration);
        services.AddDynamicBatching();
        services.AddSingleton<ModelVersionLoader>();
        services.AddSingleton<ModelRegistry>();
        services.AddOptions<DeploymentOptions>()
            .Configure(o => configuration.GetSection("Serving:Deployment").Bind(o))
            .Configure(o => configuration.GetSection("Serving:Models").Bind(o.Models))
            .ValidateSettings(o => o.Validate());
        services.AddDeploymentManager();
        services.AddSingleton<IRandomSource, SharedRandomSource>();
        services.AddSingleton<TrafficRouter>();
        services.AddOptions<ShadowOptions>().Bind(configuration.GetSection("Serving:Shadow")).ValidateSettings("Serving:Shadow");
        services.AddSingleton<ShadowMirror>();
        services.AddSingleton<IInferenceObserver>(sp => sp.GetRequiredService<ShadowMirror>());
        services.AddHostedService(sp => sp.GetRequiredService<ShadowMirror>());
        services.AddSingleton<InferenceObserverFailures>();
        services.AddSingleton<IInferenceService, InferenceService>();
        services.AddRollouts(configuration);
        services.AddHostedService<RegistryWatcher>();
        services.AddReadiness().AddReadinessDetail<DeploymentReadiness>().AddReadinessDetail<DataDirectoryReadiness>();
        services.AddMlflowSources(configuration);
        services.AddOipGrpc();
        services.AddGatewayMetrics();
        services.AddPredictionLogging(configuration);
        services.AddDriftMonitoring(configuration);
        services.AddAdminApi(configuration);
        services.AddPerformanceMonitoring(configuration);
        services.AddRetrainingSchedules(configuration);
        services.AddMonitoringPipeline(configuration);
        services.AddGatewayOpenApi();

        // Bodies sent with Content-Encoding gzip, deflate or br (tritonclient's request_compression_algorithm) are
        // decompressed, within Kestrel:Limits:MaxRequestBodySize counted after decompression; a body that does not
        // decompress reaches handlers as InvalidDataException whatever its encoding; any other coding is 415
        // (RequestContentEncoding).
        services.AddStrictRequestDecompression();
        services.AddAnswerCompression();
        return builder;
    }

    public static WebApplication MapServingEndpoints(this WebApplication app)
    {
        // Created now, before the registry's first scan ends, so deployments follow every registry change.
        app.Services.GetRequiredService<DeploymentManager>();
        // A coding the decompression middleware has no provider for is 415, not a body read as identity.
        app.UseContentEncodingCheck();
        app.UseRequestDecompression();
        app.UseResponseCompression();

        // Infer ahead of endpoint routing, which is called here so that it runs after that (WebApplication would
        // otherwise put it first).
        app.UseOipInferAheadOfRouting();
        app.UseRouting();
        app.MapOipEndpoints();
        app.MapMlflowEndpoints();
        app.MapOipGrpc();
        app.MapGatewayMetrics();
        app.MapDriftMonitoring();
        app.MapAdminEndpoints().MapRepositoryEndpoints();
        app.MapWebhookEndpoints();
        app.MapPerformanceEndpoints();
        app.MapGatewayOpenApi();
        return app;
    }

    private static IServiceCollection AddRuntimeFactories(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OnnxRuntimeOptions>()
            .Bind(configuration.GetSection(OnnxRuntimeOptions.SectionName))
            .ValidateSettings(o => o.Validate());
        services.AddSingleton(sp => ModelRuntimeFactories.CreateDefault(sp.GetRequiredService<IOptions<OnnxRuntimeOptions>>().Value));
        return services;
    }
}
