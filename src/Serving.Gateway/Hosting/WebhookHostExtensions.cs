using Serving.Core.Events.Delivery;
using Serving.Core.Events.Outbox.Redis;
using Serving.Core.Events.Webhooks;
using Serving.Gateway.Settings;

namespace Serving.Gateway.Hosting;

/// <summary>
/// Wires webhooks: <c>Serving:Webhooks</c> validated at start-up, and the outbox in place of the no-op event publisher;
/// with <c>Serving:Redis:Configuration</c> the outbox is shared through Redis (one delivery per event id, by the leader).
/// </summary>
internal static class WebhookHostExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName)).ValidateSettings(o => o.Validate());
        services.AddWebhookDelivery();
        services.AddRedisWebhookOutbox(RedisHostExtensions.UsesRedis);
        return services;
    }
}
