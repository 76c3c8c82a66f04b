using Serving.Core.Events.Delivery;
using Serving.Core.Events.Webhooks;
using Serving.Gateway.Settings;

namespace Serving.Gateway.Hosting;

/// <summary>Wires webhooks: <c>Serving:Webhooks</c> validated at start-up, and the outbox in place of the no-op event publisher.</summary>
internal static class WebhookHostExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName)).ValidateSettings(o => o.Validate());
        services.AddWebhookDelivery();
        return services;
    }
}
