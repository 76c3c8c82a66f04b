using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Webhooks;

/// <summary>The webhook outbox shared by two real gateway processes through a real redis-server.</summary>
public sealed class ReplicatedWebhookTests
{
    private const string Secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

    [Fact]
    public async Task One_event_published_through_both_replicas_is_delivered_once_and_both_delivery_logs_say_so()
    {
        var token = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var registry = new SampleRegistry("iris");
        await using var replicas = await GatewayReplicas.StartAsync(2, registry.Path, new Dictionary<string, string>
        {
            ["Serving:Redis:Configuration"] = redis.Configuration,
            ["Serving:Webhooks:Subscriptions:0:Url"] = receiver.Url.ToString(),
            ["Serving:Webhooks:Subscriptions:0:Secret"] = Secret,
        });
        using var first = replicas.CreateClient(0);
        using var second = replicas.CreateClient(1);

        // The retrainer's version.published, reported to every replica (as a shared registry would make each see it).
        const string Event = """{"id":"published-iris-7","type":"version.published","data":{"model":"iris","version":7}}""";
        using var one = await first.PostAsync(new Uri("admin/events", UriKind.Relative), new StringContent(Event, Encoding.UTF8, "application/json"), token);
        using var two = await second.PostAsync(new Uri("admin/events", UriKind.Relative), new StringContent(Event, Encoding.UTF8, "application/json"), token);
        Assert.Equal(HttpStatusCode.Accepted, one.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, two.StatusCode);
        Assert.True(JsonDocument.Parse(await one.Content.ReadAsStringAsync(token)).RootElement.GetProperty("recorded").GetBoolean());
        Assert.False(JsonDocument.Parse(await two.Content.ReadAsStringAsync(token)).RootElement.GetProperty("recorded").GetBoolean());

        await receiver.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2), token);
        Assert.Equal("published-iris-7", Assert.Single(receiver.Received).Id);
        foreach (var client in new[] { first, second })
        {
            var log = JsonDocument.Parse(await client.GetStringAsync(new Uri("admin/webhooks/deliveries?event=published-iris-7", UriKind.Relative), token)).RootElement;
            var delivery = Assert.Single(log.EnumerateArray());
            Assert.Equal("delivered", delivery.GetProperty("state").GetString());
            Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        }
    }
}
