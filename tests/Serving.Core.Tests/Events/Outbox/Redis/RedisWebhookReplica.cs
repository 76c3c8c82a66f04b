using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Coordination;
using Serving.Core.Events;
using Serving.Core.Events.Delivery;
using Serving.Core.Events.Outbox;
using Serving.Core.Events.Outbox.Redis;
using Serving.Core.Events.Webhooks;
using Serving.Core.Monitoring.Logging.Redis;
using Serving.Core.Storage;
using Serving.Core.Tests.Events.Delivery;
using StackExchange.Redis;

namespace Serving.Core.Tests.Events.Outbox.Redis;

/// <summary>
/// One gateway replica's webhook wiring as the host makes it with Redis on: its own data directory, its own Redis
/// connection, the shared outbox in front of its local one, the relay and the deliverer running, and leadership the
/// test switches by hand.
/// </summary>
internal sealed class RedisWebhookReplica : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IConnectionMultiplexer _connection;
    private readonly string _data;
    private IHostedService[] _hosted = [];

    private RedisWebhookReplica(ServiceProvider services, IConnectionMultiplexer connection, string data, SwitchedLeadership leadership)
    {
        _services = services;
        _connection = connection;
        _data = data;
        Leadership = leadership;
    }

    public SwitchedLeadership Leadership { get; }

    public IGatewayEventPublisher Publisher => _services.GetRequiredService<IGatewayEventPublisher>();

    public IWebhookEventStore Store => _services.GetRequiredService<IWebhookEventStore>();

    public WebhookOutbox LocalOutbox => _services.GetRequiredService<WebhookOutbox>();

    public RedisOutboxBuffer Buffer => _services.GetRequiredService<RedisOutboxBuffer>();

    public static async Task<RedisWebhookReplica> StartAsync(string redisConfiguration, bool leader, params Uri[] receivers)
    {
        var data = Directory.CreateTempSubdirectory("redis-webhooks-").FullName;
        var options = new WebhookOptions
        {
            FirstRetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            AttemptTimeout = TimeSpan.FromSeconds(5),
            RetryHorizon = TimeSpan.FromMinutes(5),
        };
        foreach (var receiver in receivers)
            options.Subscriptions.Add(new WebhookSubscriptionOptions { Url = receiver.ToString(), Secret = WebhookHarness.Secret });
        Assert.Empty(options.Validate());

        var connection = await RedisConnectionFactory.ConnectAsync(redisConfiguration);
        var leadership = new SwitchedLeadership { IsLeader = leader };
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new DataPaths(data));
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(connection);
        services.AddSingleton<ILeadership>(leadership);
        // A short claim time so a new leader takes over within the test's patience.
        services.AddSingleton(sp => new RedisOutboxRelay(connection, sp.GetRequiredService<RedisWebhookEvents>(), sp.GetRequiredService<WebhookOutbox>(), leadership, NullLogger<RedisOutboxRelay>.Instance)
        {
            ClaimIdle = TimeSpan.FromMilliseconds(300),
            Interval = TimeSpan.FromMilliseconds(50),
        });
        services.AddWebhookDelivery();
        services.AddRedisWebhookOutbox(_ => true);
        var replica = new RedisWebhookReplica(services.BuildServiceProvider(), connection, data, leadership);
        replica._hosted = [.. replica._services.GetServices<IHostedService>()];
        foreach (var hosted in replica._hosted)
            await hosted.StartAsync(CancellationToken.None);
        return replica;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _hosted.Reverse())
            await hosted.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        await _connection.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}

/// <summary>Leadership as the test sets it.</summary>
internal sealed class SwitchedLeadership : ILeadership
{
    public bool IsLeader { get; set; }

    public long FencingToken => 1;
}
