namespace Serving.Cli.Admin;

/// <summary>
/// One request to the gateway whose answer is read with a bound and within the client's timeout: the admin client and
/// the monitoring reports read answers the same way, so a timeout or a cut answer reads the same in every command.
/// </summary>
internal static class GatewayExchange
{
    /// <summary>
    /// Sends <paramref name="request"/> and reads the answer: up to <see cref="GatewayBody.MaxAnswerBytes"/> when
    /// <paramref name="isAnswer"/> holds for its status, else up to <see cref="GatewayBody.MaxErrorBytes"/> of an error
    /// body. An answer over the bound, a body broken off and no answer within the client's timeout are each an
    /// <see cref="AdminApiException"/> with a message fit to print (<paramref name="notWhat"/> says what a too large
    /// answer cannot be); an <see cref="HttpRequestException"/> (no HTTP answer at all) is left to the caller to word.
    /// </summary>
    public static async Task<GatewayReply> SendAsync(
        HttpClient http, HttpRequestMessage request, Func<int, bool> isAnswer, string notWhat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(isAnswer);

        // The timeout covers the body too: the headers are read first so that the body can be read with a bound.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(http.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var ok = isAnswer(status);
            var (text, cut) = await GatewayBody.ReadAsync(response.Content, ok ? GatewayBody.MaxAnswerBytes : GatewayBody.MaxErrorBytes, timeout.Token).ConfigureAwait(false);
            return ok && cut
                ? throw new AdminApiException(status, $"the gateway's answer is larger than {GatewayBody.MaxAnswerBytes / (1024 * 1024)} MB; it is not {notWhat}")
                : new GatewayReply(status, text, Header(response, Serving.Core.Storage.DataDirectoryStatus.StateUnsavedHeader));
        }
        catch (IOException ex)
        {
            throw new AdminApiException(0, $"the gateway at {http.BaseAddress} broke off its answer: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdminApiException(0, $"the gateway at {http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:0} s");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? GatewayBody.Line(string.Join(", ", values)) : null;
}

/// <summary>A gateway's answer: its status, its text, and the reason when a change it made could not be saved.</summary>
internal sealed record GatewayReply(int Status, string Text, string? StateUnsaved);
