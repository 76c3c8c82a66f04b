using Microsoft.Extensions.Options;
using Serving.Core.Events;
using Serving.Core.Inference;
using Serving.Core.Monitoring;
using Serving.Core.Monitoring.Drift;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Registry;
using Serving.Gateway.Hosting;
using Serving.Gateway.Metrics;

namespace Serving.Gateway.Rest.Monitoring;

/// <summary>Wires drift monitoring: options validated at start-up, the monitor as observer and worker, its endpoint and metrics.</summary>
internal static class DriftHostExtensions
{
    public static IServiceCollection AddDriftMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DriftOptions>()
            .Bind(configuration.GetSection("Serving:Monitoring"))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DriftOptions>, DriftOptionsValidator>();
        services.AddSingleton(sp => new DriftMonitor(
            sp.GetRequiredService<ModelRegistry>(),
            sp.GetRequiredService<IOptions<DriftOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DriftMonitor>>(),
            sp.GetRequiredService<PublishedEventMetrics>().Counting(sp.GetRequiredService<IGatewayEventPublisher>()),
            sp.GetRequiredService<PredictionLogLocation>(),
            sp.GetRequiredService<MonitoringQueue>()));
        services.AddSingleton(sp => MonitoringHostExtensions.LocalConsumer(sp, sp.GetRequiredService<DriftMonitor>()));
        services.AddHostedService(sp => sp.GetRequiredService<DriftMonitor>());
        services.AddSingleton<DriftMetrics>();
        return services;
    }

    /// <summary>Maps the endpoint and creates the metrics now, so drift series follow every window from the start.</summary>
    public static IEndpointRouteBuilder MapDriftMonitoring(this IEndpointRouteBuilder app)
    {
        app.ServiceProvider.GetRequiredService<DriftMetrics>();
        return app.MapDriftEndpoints();
    }
}
