using Serving.Core.Events.Outbox;

namespace Serving.Core.Tests.Events.Delivery;

/// <summary>
/// A receiver's Retry-After, from a bare TCP receiver that can send any value: honoured, but never below the first
/// back-off step (a 0 or a date in the past must not turn the retry into a tight loop against the receiver) and never
/// above the longest back-off (a Retry-After of years must neither stall the delivery nor break the retry's timer).
/// </summary>
public sealed class WebhookRetryAfterTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("webhooks-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Theory]
    [InlineData("Retry-After: 0")]
    [InlineData("Retry-After: Wed, 21 Oct 2015 07:28:00 GMT")]
    public async Task A_429_asking_for_no_wait_is_still_retried_no_sooner_than_the_first_back_off_step(string retryAfter)
    {
        await using var receiver = new RawHttpReceiver(n => n < 3 ? RawHttpReceiver.Response(429, retryAfter) : RawHttpReceiver.Response(204));
        await using var harness = await WebhookHarness.StartAsync(_data, o =>
        {
            o.FirstRetryDelay = TimeSpan.FromMilliseconds(150);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(300);
        }, receivers: receiver.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-no-wait"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-no-wait"));
        Assert.Equal(DeliveryState.Delivered, view.State);
        var arrivals = receiver.Arrivals;
        Assert.Equal(4, arrivals.Count);
        // Waits are lower bounds whatever the machine's load; 100 ms leaves room for clock granularity.
        for (var i = 1; i < arrivals.Count; i++)
            Assert.True(arrivals[i] - arrivals[i - 1] >= TimeSpan.FromMilliseconds(100), $"retry {i} came {(arrivals[i] - arrivals[i - 1]).TotalMilliseconds} ms after the last");
    }

    [Theory]
    [InlineData("Retry-After: 2000000000")]
    [InlineData("Retry-After: Fri, 31 Dec 9999 23:59:59 GMT")]
    public async Task A_429_asking_for_a_wait_of_years_is_retried_after_the_longest_back_off(string retryAfter)
    {
        await using var receiver = new RawHttpReceiver(n => n == 0 ? RawHttpReceiver.Response(429, retryAfter) : RawHttpReceiver.Response(204));
        await using var harness = await WebhookHarness.StartAsync(_data, o => o.MaxRetryDelay = TimeSpan.FromMilliseconds(200), receivers: receiver.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-years"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-years", TimeSpan.FromSeconds(10)));
        Assert.Equal(DeliveryState.Delivered, view.State);
        Assert.Equal([429, 204], view.RecentAttempts.Select(a => a.StatusCode));
        Assert.Equal(2, receiver.Arrivals.Count);
    }
}
