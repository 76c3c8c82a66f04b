using Serving.Core.Events.Outbox;

namespace Serving.Core.Tests.Events.Delivery;

/// <summary>
/// Redirects from a bare TCP receiver: never followed (the signed event goes only to the subscribed URL), one attempt,
/// and a failed delivery whose reason says it was a redirect and where it pointed.
/// </summary>
public sealed class WebhookRedirectTests : ReceiverFixture
{
    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_is_not_followed_and_fails_the_delivery_naming_where_it_pointed(int status)
    {
        await using var redirecting = new RawHttpReceiver(_ => RawHttpReceiver.Response(status, $"Location: {Good.Url}"));
        await using var harness = await WebhookHarness.StartAsync(Data, receivers: redirecting.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-moved"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-moved"));
        Assert.Equal(DeliveryState.Failed, view.State);
        Assert.Equal(1, view.Attempts);
        Assert.Contains($"HTTP {status}", view.Reason, StringComparison.Ordinal);
        Assert.Contains("redirect", view.Reason, StringComparison.Ordinal);
        Assert.Contains(Good.Url.ToString(), view.Reason, StringComparison.Ordinal);
        Assert.Empty(Good.Received);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/elsewhere")]
    [InlineData("/hook")]
    public async Task A_redirect_to_another_scheme_or_to_itself_is_not_followed_either(string location)
    {
        await using var redirecting = new RawHttpReceiver(_ => RawHttpReceiver.Response(302, $"Location: {location}"));
        await using var harness = await WebhookHarness.StartAsync(Data, receivers: redirecting.Url);

        await harness.Publisher.PublishAsync(WebhookHarness.Event("evt-loop"), TestContext.Current.CancellationToken);

        var view = Assert.Single(await harness.WaitFinishedAsync("evt-loop"));
        Assert.Equal(DeliveryState.Failed, view.State);
        Assert.Equal(1, view.Attempts);
        Assert.Single(redirecting.Arrivals);
        Assert.Contains("redirect", view.Reason, StringComparison.Ordinal);
    }
}
