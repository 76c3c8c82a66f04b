using Prometheus;
using Serving.Core.Inference;
using Serving.Core.Runtimes.Batching;

namespace Serving.Gateway.Metrics;

/// <summary>Registers the gateway's Prometheus metrics and serves them on <c>/metrics</c> of the REST port.</summary>
internal static class MetricsHostExtensions
{
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddSingleton<GatewayMetricsRegistry>();
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<IInferenceObserver>(sp => sp.GetRequiredService<RequestMetrics>());
        services.AddSingleton<ModelMetrics>();
        services.AddSingleton<BatchingMetrics>();
        services.AddSingleton<IBatchObserver>(sp => sp.GetRequiredService<BatchingMetrics>());
        services.AddSingleton<PublishedEventMetrics>();
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder app)
    {
        // Created now so version and deployment series exist from the first scrape.
        app.ServiceProvider.GetRequiredService<ModelMetrics>();
        Hosting.MonitoringHostExtensions.AddPredictionLogMetrics(app.ServiceProvider);
        MlflowSourceMetrics.Register(app.ServiceProvider);
        RolloutMetrics.Register(app.ServiceProvider);
        DataDirectoryMetrics.Register(app.ServiceProvider);
        MonitoringPipelineMetrics.Register(app.ServiceProvider);
        WebhookMetrics.Register(app.ServiceProvider);
        CoordinationMetrics.Register(app.ServiceProvider);
        ProcessMetrics.Register(app.ServiceProvider);
        app.MapMetrics("/metrics", app.ServiceProvider.GetRequiredService<GatewayMetricsRegistry>().Registry);
        return app;
    }
}
