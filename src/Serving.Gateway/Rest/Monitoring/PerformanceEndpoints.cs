using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serving.Core.Coordination;
using Serving.Core.Events;
using Serving.Core.Inference;
using Serving.Core.Monitoring;
using Serving.Core.Monitoring.Performance;
using Serving.Core.Monitoring.Shared;
using Serving.Core.Registry;
using Serving.Core.Rollouts;
using Serving.Gateway.Hosting;
using Serving.Gateway.Metrics;
using Serving.Gateway.Rest.Http;
using Serving.Gateway.Rest.Oip;
using Serving.Gateway.Settings;

namespace Serving.Gateway.Rest.Monitoring;

/// <summary>
/// Live performance in the gateway: the monitor as an inference observer and hosted reader, <c>POST /monitoring/feedback</c>,
/// <c>GET /monitoring/models/{name}/performance</c> and the performance series on <c>/metrics</c>.
/// </summary>
internal static class PerformanceEndpoints
{
    public static IServiceCollection AddPerformanceMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PerformanceOptions>()
            .Configure(o => o.WindowRows = configuration.GetValue("Serving:Monitoring:WindowRows", o.WindowRows))
            .Bind(configuration.GetSection("Serving:Monitoring:Performance"))
            .ValidateSettings("Serving:Monitoring:Performance", new Dictionary<string, string> { [nameof(PerformanceOptions.WindowRows)] = "Serving:Monitoring:WindowRows" })
            .ValidateSettings(o => o.ValidateThresholds());
        services.AddSingleton(sp => new PerformanceMonitor(
            sp.GetRequiredService<ModelRegistry>(),
            sp.GetRequiredService<IOptions<PerformanceOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PerformanceMonitor>>(),
            sp.GetRequiredService<PublishedEventMetrics>().Counting(sp.GetRequiredService<IGatewayEventPublisher>()),
            sp.GetService<IFeedbackLabelSink>(),
            sp.GetRequiredService<MonitoringQueue>()));
        services.AddSingleton(sp => MonitoringHostExtensions.LocalConsumer(sp, sp.GetRequiredService<PerformanceMonitor>()));
        services.AddHostedService(sp => sp.GetRequiredService<PerformanceMonitor>());

        // Canary analysis reads live accuracy from here, whichever was registered first.
        services.Replace(ServiceDescriptor.Singleton<ILiveAccuracySource>(sp => sp.GetRequiredService<PerformanceMonitor>()));
        services.AddSingleton<PerformanceMetrics>();
        return services;
    }

    public static IEndpointRouteBuilder MapPerformanceEndpoints(this IEndpointRouteBuilder app)
    {
        // Created now so the series are registered before the first scrape.
        app.ServiceProvider.GetRequiredService<PerformanceMetrics>();
        app.MapGet("/monitoring/models/{name}/performance", GetAsync).WithTags("Monitoring").WithSummary("Live performance and label coverage per version.");
        app.MapFeedbackEndpoint();
        return app;
    }

    private static async Task GetAsync(HttpContext context, string name)
    {
        var registry = context.RequestServices.GetRequiredService<ModelRegistry>();
        if (!registry.Current.Models.ContainsKey(name))
        {
            await OipErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"model '{name}' is not in the registry");
            return;
        }

        // With replicas on Redis only the leader holds the predictions and labels; the others answer with its latest report.
        if (context.RequestServices.UsesRedis() && !context.RequestServices.GetRequiredService<ILeadership>().IsLeader
            && await context.RequestServices.GetRequiredService<MonitorSnapshots>().ReadAsync(MonitorSnapshots.Performance, name) is { } snapshot)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(snapshot, context.RequestAborted);
            return;
        }

        var report = context.RequestServices.GetRequiredService<PerformanceMonitor>().Report(name);
        await JsonResponse.WriteAsync(context.Response, StatusCodes.Status200OK, report, PerformanceReportWriter.Write);
    }
}
