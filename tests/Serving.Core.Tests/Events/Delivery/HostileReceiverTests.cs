using System.Net;
using System.Net.Sockets;
using System.Text;
using Serving.Core.Events.Outbox;

namespace Serving.Core.Tests.Events.Delivery;

/// <summary>
/// Delivery against receivers that misbehave on the wire: one that never answers, one that streams an endless body,
/// one that answers 410, and addresses that refuse the connection or speak plain HTTP to https.
/// </summary>
public sealed class HostileReceiverTests : ReceiverFixture
{
    [Fact]
    public async Task A_receiver_that_never_answers_times_out_per_attempt_while_another_subscription_gets_every_event()
    {
        await using var silent = new RawHttpReceiver((_, _, token) => Task.Delay(Timeout.Infinite, token));
        await using var harness = await WebhookHarness.StartAsync(Data, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(300), receivers: [silent.Url, Good.Url]);

        for (var i = 0; i < 10; i++)
            await harness.Publisher.PublishAsync(WebhookHarness.Event($"evt-{i}"), TestContext.Current.CancellationToken);

        await Good.WaitForAsync(r => r.Select(x => x.Id).Distinct().Count() == 10);
        await WaitUntilAsync(() => harness.Outbox.Deliveries("evt-0", null, 10).Any(d => d.Attempts >= 2));
        var stuck = harness.Outbox.Deliveries("evt-0", null, 10).Single(d => d.Attempts >= 2);
        Assert.Equal(DeliveryState.Pending, stuck.State);
        Assert.Contains("no answer within", stuck.RecentAttempts[0].Error, StringComparison.Ordinal);
        Assert.InRange(stuck.RecentAttempts[0].DurationMs, 250, 5_000);
    }

    [Fact]
    public async Task A_200_with_an_endless_body_is_delivered_without_reading_the_body()
    {
        long written = 0;
        var hungUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var endless = new RawHttpReceiver(async (_, stream, token) =>
        {
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), token);
                var chunk = Encoding.ASCII.GetBytes("10000\r\n" + new string('x', 0x10000) + "\r\n");
                while (!token.IsCancellationRequested)
                {
                    await stream.WriteAsync(chunk, token);
                    written += 0x10000;
                }
            }
            finally
            {
                hungUp.TrySetResult();
            }
        });
        await using var harness = await WebhookHarness.StartAsync(Data, receivers: endless.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-endless"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-endless", TimeSpan.FromSeconds(10)));
        Assert.Equal(DeliveryState.Delivered, view.State);
        await hungUp.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        // The sender dropped the connection: what got through is the socket buffers and at most a short drain.
        Assert.InRange(written, 0, 32L * 1024 * 1024);
    }

    [Fact]
    public async Task Headers_trickled_a_byte_at_a_time_count_against_the_attempt_timeout()
    {
        await using var trickling = new RawHttpReceiver(async (_, stream, token) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n"), token);
            while (!token.IsCancellationRequested)
            {
                await stream.WriteAsync("X"u8.ToArray(), token);
                await Task.Delay(20, token);
            }
        });
        await using var harness = await WebhookHarness.StartAsync(Data, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(300), receivers: trickling.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-trickle"), TestContext.Current.CancellationToken);
        await WaitUntilAsync(() => harness.Outbox.Deliveries("evt-trickle", null, 1)[0].Attempts >= 2);

        var view = harness.Outbox.Deliveries("evt-trickle", null, 1)[0];
        Assert.Equal(DeliveryState.Pending, view.State);
        Assert.Null(view.RecentAttempts[0].StatusCode);
        Assert.Contains("no answer within", view.RecentAttempts[0].Error, StringComparison.Ordinal);
        Assert.InRange(view.RecentAttempts[0].DurationMs, 250, 5_000);
    }

    [Fact]
    public async Task A_410_fails_at_once_without_retries()
    {
        await using var gone = new RawHttpReceiver(_ => RawHttpReceiver.Response(410));
        await using var harness = await WebhookHarness.StartAsync(Data, receivers: gone.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-gone"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-gone"));
        Assert.Equal(DeliveryState.Failed, view.State);
        Assert.Equal(1, view.Attempts);
        Assert.Contains("HTTP 410", view.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_until_the_horizon_and_named_in_the_reason()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var harness = await WebhookHarness.StartAsync(Data, o => o.RetryHorizon = TimeSpan.FromSeconds(3), receivers: new Uri($"http://127.0.0.1:{port}/hook"));

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-refused"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-refused"));
        Assert.Equal(DeliveryState.Failed, view.State);
        Assert.True(view.Attempts >= 2, $"{view.Attempts} attempt(s)");
        Assert.Contains("retry horizon", view.Reason, StringComparison.Ordinal);
        // The horizon may cut an attempt in flight on a loaded machine, so the last one can read "no answer"; the others name the cause.
        Assert.Contains(view.RecentAttempts, a => a.StatusCode is null && a.Error!.Contains("refused", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Https_to_a_plain_http_port_is_retried_until_the_horizon_and_names_the_tls_failure()
    {
        var url = new UriBuilder(Good.Url) { Scheme = "https" }.Uri;
        await using var harness = await WebhookHarness.StartAsync(Data, o => o.RetryHorizon = TimeSpan.FromSeconds(3), receivers: url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-tls"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-tls"));
        Assert.Equal(DeliveryState.Failed, view.State);
        Assert.Contains("retry horizon", view.Reason, StringComparison.Ordinal);
        Assert.Contains(view.RecentAttempts, a => a.StatusCode is null && a.Error!.Contains("SSL", StringComparison.Ordinal));
        Assert.Empty(Good.Received);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the condition did not hold within 20 s");
            await Task.Delay(20);
        }
    }
}
