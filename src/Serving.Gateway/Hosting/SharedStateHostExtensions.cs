using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serving.Core.Coordination;
using Serving.Core.Registry;
using Serving.Core.Routing;
using Serving.Core.Routing.Redis;
using Serving.Core.Storage;
using Serving.Gateway.Settings;
using StackExchange.Redis;

namespace Serving.Gateway.Hosting;

/// <summary>
/// Wires what replicas share through Redis when <c>Serving:Redis:Configuration</c> is set: the leader lease (as
/// <see cref="ILeadership"/>) and the deployment state. Without it the gateway keeps both embedded: it always
/// leads, and deployments live in its deployments file. Which one is decided when first asked for, so configuration
/// added after registration (tests) counts too; the settings are validated at start-up either way.
/// </summary>
internal static class SharedStateHostExtensions
{
    public static IServiceCollection AddSharedState(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LeaseOptions>().Bind(configuration.GetSection(LeaseOptions.SectionName)).ValidateSettings(o => o.Validate());
        services.AddOptions<SharedDeploymentOptions>().Bind(configuration.GetSection(SharedDeploymentOptions.SectionName)).ValidateSettings(o => o.Validate());

        services.TryAddSingleton(sp => new RedisLeaderLease(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<LeaseOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisLeaderLease>>()));
        services.TryAddSingleton<ILeadership>(sp => sp.UsesRedis() ? sp.GetRequiredService<RedisLeaderLease>() : SingleProcessLeadership.Instance);

        services.TryAddSingleton(sp => new RedisDeploymentStateStore(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<ILeadership>(),
            sp.GetRequiredService<IOptions<SharedDeploymentOptions>>().Value,
            CachePath(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisDeploymentStateStore>>()));

        // Hosted services only with Redis: the lease's renewal loop (first registered, so stopped last and released
        // after in-flight requests, logs and the outbox), and the state's subscription and re-read.
        services.AddSingleton<IHostedService>(sp => sp.UsesRedis() ? sp.GetRequiredService<RedisLeaderLease>() : IdleService.Instance);
        services.AddSingleton<IHostedService>(sp => sp.UsesRedis() ? sp.GetRequiredService<RedisDeploymentStateStore>() : IdleService.Instance);

        // Not ready from the moment shutdown begins, so a load balancer stops sending before the server stops.
        services.AddSingleton<ShutdownReadiness>();
        services.AddReadinessDetail<ShutdownReadiness>();
        return services;
    }

    /// <summary>The deployment manager, on the shared store and the lease when Redis is in use.</summary>
    public static IServiceCollection AddDeploymentManager(this IServiceCollection services)
    {
        services.AddSingleton(sp => new DeploymentManager(
            sp.GetRequiredService<ModelRegistry>(),
            sp.GetRequiredService<IOptions<DeploymentOptions>>(),
            sp.GetRequiredService<IOptions<RegistryOptions>>(),
            sp.GetRequiredService<DataDirectoryStatus>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DeploymentManager>>(),
            sp.UsesRedis() ? sp.GetRequiredService<RedisDeploymentStateStore>() : null,
            sp.GetRequiredService<ILeadership>()));
        return services;
    }

    /// <summary>Where a replica keeps its last known state: where the deployments file would be without Redis.</summary>
    private static string CachePath(IServiceProvider services) =>
        services.GetRequiredService<IOptions<DeploymentOptions>>().Value.StateFile(services.GetRequiredService<DataPaths>());
}
