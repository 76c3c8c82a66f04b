using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Serving.Core.Coordination;
using Serving.Core.Events.Outbox;
using Serving.Core.Events.Webhooks;

namespace Serving.Core.Events.Delivery;

/// <summary>Wires webhooks: subscriptions, the outbox as the event publisher, the resilient client and the deliverer.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything but the options themselves (bound and validated by the host). Needs <see cref="TimeProvider"/>
    /// and <see cref="Storage.DataPaths"/> registered. The outbox replaces any <see cref="IGatewayEventPublisher"/> registered earlier.
    /// </summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        services.AddSingleton<WebhookSubscriptionStore>();
        services.AddSingleton<WebhookOutbox>();
        services.Replace(ServiceDescriptor.Singleton<IGatewayEventPublisher>(sp => sp.GetRequiredService<WebhookOutbox>()));
        services.TryAddSingleton<IWebhookEventStore>(sp => new LocalWebhookEventStore(sp.GetRequiredService<WebhookOutbox>()));
        services.AddSingleton<WebhookSendSlots>();
        services.AddTransient<WebhookAttemptHandler>();

        services.AddHttpClient(WebhookDeliverer.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect is an answer, not a new place to send signed events to; and no cookies between receivers.
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .AddResilienceHandler("webhook-retry", static (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
                builder.TimeProvider = time;

                // No attempt limit: the deliverer cancels the run when the retry horizon passes.
                builder.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = int.MaxValue,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.FirstRetryDelay,
                    MaxDelay = options.MaxRetryDelay,
                    // Retry-After is honoured within the back-off's bounds (RetryAfterDelay), not taken as it comes.
                    ShouldRetryAfterHeader = false,
                    DelayGenerator = RetryAfterDelay.Generator(options, time),
                });
                builder.AddTimeout(options.AttemptTimeout);
            });
        services.AddHttpClient(WebhookDeliverer.ClientName).AddHttpMessageHandler<WebhookAttemptHandler>();
        // Leadership and the guard are optional here: without them (one process, no Redis) this process delivers everything.
        services.AddHostedService(sp => new WebhookDeliverer(
            sp.GetRequiredService<WebhookOutbox>(),
            sp.GetRequiredService<WebhookSubscriptionStore>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<IOptions<WebhookOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<WebhookDeliverer>>(),
            sp.GetService<ILeadership>() ?? SingleProcessLeadership.Instance,
            sp.GetService<IDeliveryGuard>() ?? NoDeliveryGuard.Instance));
        return services;
    }
}
