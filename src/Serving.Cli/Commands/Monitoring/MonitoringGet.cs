using System.Net;
using Serving.Cli.Admin;

namespace Serving.Cli.Commands.Monitoring;

/// <summary>One GET of a monitoring report, its body read with the same bounds as the admin answers.</summary>
internal static class MonitoringGet
{
    /// <summary>
    /// The status and body; a successful answer over the bound is an <see cref="AdminApiException"/>. The client's
    /// timeout is extended over the body, which is read after the headers so that its size can be bounded.
    /// </summary>
    public static async Task<(HttpStatusCode Status, string Body)> ReadAsync(HttpClient http, Uri path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(http.Timeout);
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var ok = response.StatusCode == HttpStatusCode.OK;
            var (body, cut) = await GatewayBody.ReadAsync(response.Content, ok ? GatewayBody.MaxAnswerBytes : GatewayBody.MaxErrorBytes, timeout.Token).ConfigureAwait(false);
            return ok && cut
                ? throw new AdminApiException((int)response.StatusCode, $"the gateway's answer is larger than {GatewayBody.MaxAnswerBytes / (1024 * 1024)} MB; it is not a report")
                : (response.StatusCode, body);
        }
        catch (IOException ex)
        {
            throw new HttpRequestException($"the gateway at {http.BaseAddress} broke off its answer: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TaskCanceledException($"the gateway at {http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:0} s", ex);
        }
    }
}
