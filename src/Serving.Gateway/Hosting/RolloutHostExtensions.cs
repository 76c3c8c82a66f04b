using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serving.Core.Inference;
using Serving.Core.Rollouts;

namespace Serving.Gateway.Hosting;

/// <summary>Wires analysed canary rollouts: settings validated at start-up, per-version statistics and the controller.</summary>
internal static class RolloutHostExtensions
{
    public static IServiceCollection AddRollouts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RolloutOptions>().Bind(configuration.GetSection(RolloutOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RolloutOptions>, RolloutOptionsValidator>();
        services.AddSingleton<VersionTrafficStats>();
        services.AddSingleton(sp => MonitoringHostExtensions.LocalConsumer(sp, sp.GetRequiredService<VersionTrafficStats>()));

        // Until the monitoring feature registers a real source, accuracy is unknown and its gate is skipped.
        services.TryAddSingleton<ILiveAccuracySource, NoLiveAccuracy>();
        services.AddSingleton<RolloutController>();
        services.AddSingleton<IRolloutController>(sp => sp.GetRequiredService<RolloutController>());

        // Hosted services are all made before any starts, so the controller is the deployment manager's rollout
        // starter before the registry watcher's scans can publish a version.
        services.AddHostedService(sp => sp.GetRequiredService<RolloutController>());
        return services;
    }
}
