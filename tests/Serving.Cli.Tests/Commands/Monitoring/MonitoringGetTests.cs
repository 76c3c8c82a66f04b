using Serving.Cli.Admin;
using Serving.Cli.Commands.Monitoring;

namespace Serving.Cli.Tests.Commands.Monitoring;

/// <summary>
/// A monitoring report's GET when the gateway does not answer in time: the commands print the client's own words
/// (the gateway, its address, the seconds), never .NET's "configured HttpClient.Timeout of N seconds elapsing". The
/// commands wait 30 s; the client here waits 1 s, for the same code path.
/// </summary>
public sealed class MonitoringGetTests
{
    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":")]
    public async Task No_answer_within_the_timeout_says_the_gateway_did_not_answer_within_it(string start)
    {
        using var gateway = SilentGateway.Start(start, close: false);
        using var http = new HttpClient { BaseAddress = new Uri(gateway.Url), Timeout = TimeSpan.FromSeconds(1) };

        var error = await Assert.ThrowsAsync<AdminApiException>(() =>
            MonitoringGet.ReadAsync(http, new Uri("monitoring/models/iris/drift", UriKind.Relative), TestContext.Current.CancellationToken));

        Assert.Equal($"the gateway at {gateway.Url} did not answer within 1 s", error.Message);
    }
}
