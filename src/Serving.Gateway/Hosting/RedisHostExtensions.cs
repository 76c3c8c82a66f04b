using Microsoft.Extensions.DependencyInjection.Extensions;
using Serving.Core.Monitoring.Logging.Redis;
using StackExchange.Redis;

namespace Serving.Gateway.Hosting;

/// <summary>
/// The one Redis connection a process shares (prediction logs, deployment state, the leader lease, the outbox), used
/// only when <c>Serving:Redis:Configuration</c> is set; without it the gateway keeps everything embedded.
/// </summary>
internal static class RedisHostExtensions
{
    /// <summary>The configuration key whose value turns shared state on.</summary>
    public const string ConfigurationKey = "Serving:Redis:Configuration";

    /// <summary>
    /// Registers the shared <see cref="IConnectionMultiplexer"/> once. It is opened when first asked for, and only
    /// then is the configuration read, so configuration added after registration (tests) counts too; asking for it
    /// in embedded mode is a bug and says so.
    /// </summary>
    public static IServiceCollection AddSharedRedis(this IServiceCollection services)
    {
        services.TryAddSingleton<IConnectionMultiplexer>(sp => RedisConnectionFactory.Connect(RedisConfiguration(sp)
            ?? throw new InvalidOperationException($"{ConfigurationKey} is empty: Redis is not in use")));
        return services;
    }

    /// <summary>The StackExchange.Redis configuration string, or null in embedded mode (no Redis).</summary>
    public static string? RedisConfiguration(IServiceProvider services) =>
        RedisConfiguration(services.GetRequiredService<IConfiguration>());

    /// <inheritdoc cref="RedisConfiguration(IServiceProvider)"/>
    public static string? RedisConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Written out, not ConfigurationKey: DocsHonestyTests finds the keys the gateway reads by these literals.
        var value = configuration["Serving:Redis:Configuration"];
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Whether shared state is on (<c>Serving:Redis:Configuration</c> is set).</summary>
    public static bool UsesRedis(this IServiceProvider services) => RedisConfiguration(services) is not null;
}
