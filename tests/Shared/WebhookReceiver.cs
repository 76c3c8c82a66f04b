using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serving.Tests.Shared;

/// <summary>One webhook request as the receiver saw it, and the status it answered.</summary>
public sealed record ReceivedWebhook(string? Id, string? Timestamp, string? Signature, string? ContentType, byte[] Body, int Answered, DateTimeOffset At);

/// <summary>
/// A webhook receiver on real Kestrel (127.0.0.1, a free port unless told one): records every POST to /hook with its
/// headers and raw body, and answers what <see cref="Answer"/> says (200 by default), after <see cref="Delay"/>.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private bool _stopped;

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The URL to subscribe.</summary>
    public Uri Url { get; private set; } = null!;

    public int Port => Url.Port;

    /// <summary>The status to answer, given the request and how many came before it.</summary>
    public Func<ReceivedWebhook, int, int> Answer { get; set; } = (_, _) => 200;

    /// <summary>How long to wait before answering (a slow receiver).</summary>
    public TimeSpan Delay { get; set; }

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        var receiver = new WebhookReceiver(LoopbackApp.Create(port));
        receiver._app.MapPost("/hook", receiver.HandleAsync);
        await receiver._app.StartAsync().ConfigureAwait(false);
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for what was received; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var received = Received;
            if (condition(received))
                return received;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the receiver did not get what was expected; it got {received.Count} request(s): " +
                    string.Join(", ", received.Select(r => $"{r.Id}→{r.Answered}")));
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var headers = context.Request.Headers;
        var seen = new ReceivedWebhook(headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], context.Request.ContentType, buffer.ToArray(), 0, DateTimeOffset.UtcNow);
        var status = Answer(seen, _received.Count);
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay, context.RequestAborted).ConfigureAwait(false);
        _received.Enqueue(seen with { Answered = status });
        context.Response.StatusCode = status;
    }
}
