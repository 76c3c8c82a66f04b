using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Events;
using Serving.Core.Events.Delivery;
using Serving.Core.Events.Outbox;
using Serving.Core.Events.Webhooks;
using Serving.Core.Storage;

namespace Serving.Core.Tests.Events.Delivery;

/// <summary>
/// Webhook delivery as the gateway wires it (outbox, subscriptions, the resilient client, the deliverer), over a data
/// directory the test owns, with short back-off so retries take milliseconds. Disposing it stops the deliverer in
/// order; a new harness on the same directory is a restart.
/// </summary>
internal sealed class WebhookHarness : IAsyncDisposable
{
    public const string Secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

    private readonly ServiceProvider _services;
    private readonly IHostedService _deliverer;

    private WebhookHarness(ServiceProvider services)
    {
        _services = services;
        _deliverer = services.GetServices<IHostedService>().OfType<WebhookDeliverer>().Single();
    }

    public WebhookOutbox Outbox => _services.GetRequiredService<WebhookOutbox>();

    public WebhookSubscriptionStore Subscriptions => _services.GetRequiredService<WebhookSubscriptionStore>();

    public IGatewayEventPublisher Publisher => _services.GetRequiredService<IGatewayEventPublisher>();

    public static async Task<WebhookHarness> StartAsync(string dataPath, Action<WebhookOptions>? configure = null, bool start = true, params Uri[] receivers)
    {
        var options = new WebhookOptions
        {
            FirstRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
            AttemptTimeout = TimeSpan.FromSeconds(5),
            RetryHorizon = TimeSpan.FromSeconds(30),
        };
        foreach (var receiver in receivers)
            options.Subscriptions.Add(new WebhookSubscriptionOptions { Url = receiver.ToString(), Secret = Secret });
        configure?.Invoke(options);
        Assert.Empty(options.Validate());

        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new DataPaths(dataPath));
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(Options.Create(options));
        services.AddWebhookDelivery();
        var harness = new WebhookHarness(services.BuildServiceProvider());
        if (start)
            await harness._deliverer.StartAsync(CancellationToken.None);
        return harness;
    }

    public Task StartDelivererAsync() => _deliverer.StartAsync(CancellationToken.None);

    public static GatewayEvent Event(string id, string type = GatewayEventTypes.DriftDetected, string model = "iris") =>
        new(id, type, DateTimeOffset.Parse("2026-06-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), new JsonObject { ["model"] = model, ["version"] = 1 });

    /// <summary>Waits until the delivery log shows <paramref name="eventId"/> finished for every target.</summary>
    public async Task<IReadOnlyList<DeliveryView>> WaitFinishedAsync(string eventId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var views = Outbox.Deliveries(eventId, null, 100);
            if (views.Count > 0 && views.All(v => v.State != DeliveryState.Pending))
                return views;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{eventId} still pending: {string.Join(", ", views.Select(v => $"{v.SubscriptionId}:{v.State}:{v.Attempts}"))}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _deliverer.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}
