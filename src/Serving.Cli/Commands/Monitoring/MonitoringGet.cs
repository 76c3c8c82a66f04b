using System.Net;
using Serving.Cli.Admin;

namespace Serving.Cli.Commands.Monitoring;

/// <summary>One GET of a monitoring report, its body read with the same bounds and timeout as the admin answers.</summary>
internal static class MonitoringGet
{
    /// <summary>
    /// The status and body. A successful answer over the bound, a body broken off and no answer within the client's
    /// timeout are <see cref="AdminApiException"/>s (<see cref="GatewayExchange"/>); no HTTP answer at all is the
    /// client's <see cref="HttpRequestException"/>.
    /// </summary>
    public static async Task<(HttpStatusCode Status, string Body)> ReadAsync(HttpClient http, Uri path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        var (status, body, _) = await GatewayExchange.SendAsync(http, request, static s => s == (int)HttpStatusCode.OK, "a report", cancellationToken).ConfigureAwait(false);
        return ((HttpStatusCode)status, body);
    }
}
