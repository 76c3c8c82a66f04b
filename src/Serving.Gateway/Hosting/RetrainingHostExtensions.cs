using Microsoft.Extensions.Options;
using Serving.Core.Coordination;
using Serving.Core.Events;
using Serving.Core.Routing;
using Serving.Core.Scheduling;
using Serving.Gateway.Metrics;
using Serving.Gateway.Settings;

namespace Serving.Gateway.Hosting;

/// <summary>Wires calendar retraining: <c>Serving:Retraining</c> validated at start-up (a bad cron names its key) and the scheduler that sends <c>retrain.scheduled</c>.</summary>
internal static class RetrainingHostExtensions
{
    public static IServiceCollection AddRetrainingSchedules(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetrainingOptions>()
            .Bind(configuration.GetSection("Serving:Retraining"))
            .ValidateSettings(o => o.Validate());
        services.AddHostedService(sp => new RetrainScheduler(
            sp.GetRequiredService<IOptions<RetrainingOptions>>(),
            sp.GetRequiredService<DeploymentManager>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PublishedEventMetrics>().Counting(sp.GetRequiredService<IGatewayEventPublisher>()),
            sp.GetRequiredService<ILogger<RetrainScheduler>>(),
            sp.GetRequiredService<ILeadership>()));
        return services;
    }
}
