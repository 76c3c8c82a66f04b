using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Serving.Cli.Tests.Retraining;

/// <summary>
/// Stands in for the gateway's admin API on real Kestrel: answers <c>GET /admin/models/{name}</c> with a deployment
/// whose stable version the test chooses, and records every <c>POST /admin/events</c> (body and admin key).
/// </summary>
internal sealed class FakeGateway : IAsyncDisposable
{
    public const string AdminKey = "retrainer-test-key";

    private readonly WebApplication _app;

    private FakeGateway(WebApplication app) => _app = app;

    public ConcurrentQueue<(string? Authorization, JsonObject Body)> Events { get; } = new();

    public int Stable { get; set; } = 1;

    public int? Canary { get; set; }

    /// <summary>How long <c>GET /admin/models/{name}</c> takes to answer: a slow admin API.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    public Uri Url => new(_app.Urls.First() + "/");

    public static async Task<FakeGateway> StartAsync()
    {
        var app = LoopbackApp.Create();
        var gateway = new FakeGateway(app);
        app.MapGet("/admin/models/{name}", async (string name, HttpContext context) =>
        {
            await Task.Delay(gateway.Delay, context.RequestAborted);
            return Results.Json(new
            {
                name,
                policy = "auto-canary",
                deployment = new { stable = gateway.Stable, canary = gateway.Canary, canaryWeight = gateway.Canary is null ? 0 : 5, shadow = (int?)null },
                versions = Array.Empty<object>(),
            });
        });
        app.MapPost("/admin/events", async (HttpContext context) =>
        {
            var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
            gateway.Events.Enqueue((context.Request.Headers.Authorization.ToString(), body));
            return Results.Json(new { accepted = body["id"]?.ToString() }, statusCode: 202);
        });
        await app.StartAsync();
        return gateway;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
