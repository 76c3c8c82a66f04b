using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Core.Events.Signing;
using Serving.Gateway.Tests.Hosting;
using Serving.Gateway.Tests.Rest.Admin;

namespace Serving.Gateway.Tests.Webhooks;

/// <summary>Webhooks through the real gateway: the admin API, POST /admin/events, delivery to a real receiver, metrics.</summary>
public sealed class WebhookAdminTests : IAsyncLifetime
{
    private const string Secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";
    private const string Published = """{"id":"run-7-published","type":"version.published","timestamp":"2026-06-01T08:00:00Z","data":{"model":"iris","version":2,"parent":1}}""";

    private readonly SampleRegistry _registry = AdminRegistry.Iris(1);
    private WebhookReceiver _receiver = null!;
    private AdminGatewayHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _host = await new AdminGatewayHost(_registry.Path, settings: Settings(_receiver)).StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        _registry.Dispose();
    }

    internal static Dictionary<string, string?> Settings(WebhookReceiver receiver) => new()
    {
        ["Serving:Webhooks:Subscriptions:0:Url"] = receiver.Url.ToString(),
        ["Serving:Webhooks:Subscriptions:0:Secret"] = Secret,
        ["Serving:Webhooks:FirstRetryDelay"] = "00:00:00.050",
        ["Serving:Webhooks:MaxRetryDelay"] = "00:00:00.200",
        ["Serving:Webhooks:AttemptTimeout"] = "00:00:02",
    };

    [Theory]
    [InlineData("GET", "/admin/webhooks")]
    [InlineData("GET", "/admin/webhooks/deliveries")]
    [InlineData("POST", "/admin/webhooks")]
    [InlineData("DELETE", "/admin/webhooks/wh_0011223344556677")]
    [InlineData("POST", "/admin/webhooks/deliveries/x/redeliver")]
    [InlineData("POST", "/admin/events")]
    public async Task Every_webhook_route_needs_an_admin_key(string method, string path)
    {
        using var client = _host.CreateClient(key: null);

        var (status, body) = await client.SendAsync(new HttpMethod(method), path, "{}");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("admin key is required", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/admin/webhooks", """{"url":"http://127.0.0.1:9/x"}""")]
    [InlineData("DELETE", "/admin/webhooks/wh_0011223344556677", null)]
    [InlineData("POST", "/admin/webhooks/deliveries/x/redeliver", null)]
    [InlineData("POST", "/admin/events", Published)]
    public async Task The_read_only_key_may_not_change_subscriptions_redeliver_or_publish(string method, string path, string? body)
    {
        using var client = _host.CreateClient(AdminGatewayHost.ReadKey);

        var (status, _) = await client.SendAsync(new HttpMethod(method), path, body);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task A_created_subscription_shows_its_secret_once_and_the_list_never_shows_a_secret()
    {
        using var full = _host.CreateClient(AdminGatewayHost.FullKey);
        using var read = _host.CreateClient(AdminGatewayHost.ReadKey);

        var (created, createdBody) = await full.PostAsync("/admin/webhooks", """{"url":"http://127.0.0.1:9/retrain","events":["drift.detected"]}""");
        var secret = createdBody.GetProperty("secret").GetString()!;
        var id = createdBody.GetProperty("id").GetString()!;
        var (listed, list) = await read.GetAsync("/admin/webhooks");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.NotNull(WebhookSecret.Parse(secret));
        Assert.Equal(HttpStatusCode.OK, listed);
        var text = list.GetRawText();
        Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret["whsec_".Length..], text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret["whsec_".Length..], text, StringComparison.Ordinal);
        Assert.Equal(["config", "api"], list.EnumerateArray().Select(s => s.GetProperty("source").GetString()));
        Assert.Equal(["drift.detected"], list[1].GetProperty("events").EnumerateArray().Select(e => e.GetString()));

        var configured = list[0].GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Conflict, (await full.SendAsync(HttpMethod.Delete, $"/admin/webhooks/{configured}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await full.SendAsync(HttpMethod.Delete, $"/admin/webhooks/{id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await full.SendAsync(HttpMethod.Delete, $"/admin/webhooks/{id}")).Status);
        Assert.Single((await read.GetAsync("/admin/webhooks")).Body.EnumerateArray());
    }

    [Theory]
    [InlineData("""{"url":"ftp://x"}""", "url must be an absolute http:// or https:// URL")]
    [InlineData("""{"url":"http://127.0.0.1:9/x","secret":"plain"}""", "secret is not valid")]
    [InlineData("""{"url":"http://127.0.0.1:9/x","events":["drift"]}""", "'drift' is not an event type")]
    [InlineData("""{"url":""", "malformed subscription")]
    [InlineData("""{"url":"http://127.0.0.1:9/x","events":[null,"no.such.event"]}""", "events[0] is null")]
    [InlineData("""{"url":"http://127.0.0.1:9/x","events":["drift.detected",null]}""", "events[1] is null")]
    [InlineData("""{"url":"http://127.0.0.1:9/x","events":["drift.detected","no.such.event"]}""", "events[1] 'no.such.event' is not an event type")]
    public async Task A_bad_subscription_gets_400_saying_why(string body, string expected)
    {
        using var full = _host.CreateClient(AdminGatewayHost.FullKey);

        var (status, answer) = await full.PostAsync("/admin/webhooks", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single((await full.GetAsync("/admin/webhooks")).Body.EnumerateArray());
    }

    [Fact]
    public async Task A_published_event_reaches_the_receiver_signed_shows_in_the_delivery_log_and_metrics_and_can_be_redelivered()
    {
        using var full = _host.CreateClient(AdminGatewayHost.FullKey);
        using var read = _host.CreateClient(AdminGatewayHost.ReadKey);

        var (status, accepted) = await full.PostAsync("/admin/events", Published);
        var (again, repeat) = await full.PostAsync("/admin/events", Published);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.True(accepted.GetProperty("recorded").GetBoolean());
        Assert.Equal(HttpStatusCode.Accepted, again);
        Assert.False(repeat.GetProperty("recorded").GetBoolean());
        var received = Assert.Single(await _receiver.WaitForAsync(r => r.Count == 1));
        var verdict = new WebhookVerifier(WebhookSecret.Parse(Secret)).Verify(received.Id, received.Timestamp, received.Signature, received.Body);
        Assert.True(verdict.IsValid, verdict.Message);
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal("version.published", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(2, body.RootElement.GetProperty("data").GetProperty("version").GetInt32());

        var log = await WaitForDeliveryAsync(read, "run-7-published", "delivered");
        Assert.Equal(200, log.GetProperty("recentAttempts")[0].GetProperty("statusCode").GetInt32());
        Assert.Equal(1, log.GetProperty("attempts").GetInt32());

        var (redelivered, _) = await full.PostAsync("/admin/webhooks/deliveries/run-7-published/redeliver");
        Assert.Equal(HttpStatusCode.Accepted, redelivered);
        await _receiver.WaitForAsync(r => r.Count == 2);
        Assert.Equal(2, (await WaitForDeliveryAsync(read, "run-7-published", "delivered", attempts: 2)).GetProperty("attempts").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await full.PostAsync("/admin/webhooks/deliveries/nope/redeliver")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await full.PostAsync("/admin/webhooks/deliveries/run-7-published/redeliver?subscription=wh_nope")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await read.GetAsync("/admin/webhooks/deliveries?limit=0")).Status);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_host.RestPort}") };
        var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("serving_webhook_deliveries_total{type=\"version.published\",outcome=\"delivered\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("serving_webhook_outbox_depth 0", metrics, StringComparison.Ordinal);
        Assert.Contains("serving_webhook_oldest_undelivered_age_seconds 0", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "the event is a JSON object")]
    [InlineData("""{"type":"version.published","data":{"model":"iris","version":2}}""", "\"id\" is required")]
    [InlineData("""{"id":"a","type":"drift.detected","data":{"model":"iris"}}""", "\"type\" is 'drift.detected'; use version.published or version.failed")]
    [InlineData("""{"id":"a","type":"version.failed","timestamp":"yesterday","data":{"model":"iris"}}""", "\"timestamp\" must be an ISO-8601")]
    [InlineData("""{"id":"a","type":"version.failed","data":{}}""", "\"data.model\" is required")]
    [InlineData("""{"id":"a","type":"version.failed"}""", "\"data\" is required")]
    [InlineData("""{"id":"a","type":"version.published","data":{"model":"iris"}}""", "\"data.version\" is required for version.published")]
    [InlineData("""{"id":"a","type":"version.published","data":{"model":"iris","version":"2"}}""", "\"data.version\" must be a whole number")]
    [InlineData("""{"id":""", "malformed JSON")]
    [InlineData("""{"id":"x2","id":"x3","type":"version.published","data":{"model":"iris","version":2}}""", "malformed JSON")]
    [InlineData("""{"id":"x1","type":"version.published","data":{"model":"iris","version":2,"model":"other"}}""", "malformed JSON")]
    [InlineData("""{"id":"x1","type":"version.published","data":{"model":"\ud800","version":2}}""", "not valid text")]
    [InlineData("""{"id":"x4","type":"version.published","data":{"model":"iris","version":2,"note":"\udc00"}}""", "not valid text")]
    [InlineData("""{"id":"x4","type":"version.published","data":{"model":"iris","version":2,"\udc00":1}}""", "not valid text")]
    [InlineData("""{"id":"x4","type":"version.published","data":{"model":"iris","version":2,"notes":[{"a":"\ud83d"}]}}""", "not valid text")]
    public async Task A_bad_event_gets_400_saying_why_and_nothing_is_sent(string body, string expected)
    {
        using var full = _host.CreateClient(AdminGatewayHost.FullKey);

        var (status, answer) = await full.PostAsync("/admin/events", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await full.GetAsync("/admin/webhooks/deliveries")).Body.EnumerateArray());
    }

    [Fact]
    public async Task An_event_that_is_not_valid_utf8_gets_400_and_nothing_is_sent()
    {
        using var full = _host.CreateClient(AdminGatewayHost.FullKey);

        // \xFF is one byte on the wire, and never valid UTF-8.
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes("{\"id\":\"x5\xFF\",\"type\":\"version.published\",\"data\":{\"model\":\"iris\",\"version\":2}}"));
        var (status, answer) = await full.SendAsync(HttpMethod.Post, "/admin/events", content);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not valid text", answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await full.GetAsync("/admin/webhooks/deliveries")).Body.EnumerateArray());
    }

    [Fact]
    public async Task A_receiver_that_answers_500_slowly_does_not_slow_predictions_or_publishing()
    {
        _receiver.Answer = (_, _) => 500;
        _receiver.Delay = TimeSpan.FromSeconds(1);
        using var full = _host.CreateClient(AdminGatewayHost.FullKey);
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await full.PostAsync("/admin/events", Published.Replace("run-7-published", $"slow-{i}", StringComparison.Ordinal))).Status);
        await _receiver.WaitForAsync(r => r.Count >= 4);

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.OK, (await full.PostAsync("/v2/models/iris/infer", IrisRow)).Status);
        var (published, _) = await full.PostAsync("/admin/events", Published);
        watch.Stop();

        Assert.Equal(HttpStatusCode.Accepted, published);
        // Each receiver answer takes a second; twenty predictions and a publish that waited on one would take far longer.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_host.RestPort}") };
        var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("serving_webhook_outbox_depth 11", metrics, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> WaitForDeliveryAsync(AdminClient client, string eventId, string state, int attempts = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var (status, body) = await client.GetAsync($"/admin/webhooks/deliveries?event={eventId}");
            Assert.Equal(HttpStatusCode.OK, status);
            if (body.GetArrayLength() == 1 && body[0].GetProperty("state").GetString() == state && body[0].GetProperty("attempts").GetInt32() >= attempts)
                return body[0];
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"delivery of {eventId} is not {state}: {body.GetRawText()}");
            await Task.Delay(50);
        }
    }
}
