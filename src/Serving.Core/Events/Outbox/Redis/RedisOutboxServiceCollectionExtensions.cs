using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Coordination;
using Serving.Core.Events.Webhooks;
using StackExchange.Redis;

namespace Serving.Core.Events.Outbox.Redis;

/// <summary>Wires the webhook outbox shared through Redis in front of the local one.</summary>
public static class RedisOutboxServiceCollectionExtensions
{
    /// <summary>
    /// After <c>AddWebhookDelivery</c>: when <paramref name="redisOn"/> says so (asked when first resolved, so settings
    /// added late count), events are published to Redis, the admin API reads and redelivers there, the deliverer asks
    /// Redis before each send, and the relay runs; otherwise everything stays on the local outbox. Needs an
    /// <see cref="IConnectionMultiplexer"/> registered for when Redis is on.
    /// </summary>
    public static IServiceCollection AddRedisWebhookOutbox(this IServiceCollection services, Func<IServiceProvider, bool> redisOn)
    {
        services.TryAddSingleton<RedisOutboxBuffer>();
        services.TryAddSingleton<RedisWebhookEvents>();
        services.TryAddSingleton(sp => new RedisOutboxRelay(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<RedisWebhookEvents>(),
            sp.GetRequiredService<WebhookOutbox>(),
            sp.GetService<ILeadership>() ?? SingleProcessLeadership.Instance,
            sp.GetRequiredService<ILogger<RedisOutboxRelay>>()));
        services.Replace(ServiceDescriptor.Singleton<IGatewayEventPublisher>(sp =>
            redisOn(sp) ? sp.GetRequiredService<RedisWebhookEvents>() : sp.GetRequiredService<WebhookOutbox>()));
        services.Replace(ServiceDescriptor.Singleton<IWebhookEventStore>(sp =>
            redisOn(sp) ? sp.GetRequiredService<RedisWebhookEvents>() : new LocalWebhookEventStore(sp.GetRequiredService<WebhookOutbox>())));
        services.Replace(ServiceDescriptor.Singleton<IDeliveryGuard>(sp =>
            redisOn(sp) ? sp.GetRequiredService<RedisWebhookEvents>() : NoDeliveryGuard.Instance));
        services.AddSingleton<IHostedService>(sp => redisOn(sp) ? sp.GetRequiredService<RedisOutboxRelay>() : new Idle());
        return services;
    }

    /// <summary>Stands in for the relay when Redis is off.</summary>
    private sealed class Idle : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
