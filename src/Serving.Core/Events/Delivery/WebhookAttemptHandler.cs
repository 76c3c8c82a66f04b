using System.Diagnostics;
using System.Globalization;
using Serving.Core.Events.Outbox;
using Serving.Core.Events.Signing;

namespace Serving.Core.Events.Delivery;

/// <summary>
/// The innermost handler of the webhook client, run once per attempt (inside the retry and the per-attempt
/// timeout): takes a send slot, signs with the current time, sends, and records the attempt's outcome.
/// </summary>
internal sealed class WebhookAttemptHandler(WebhookSendSlots slots, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(WebhookSend.Key, out var send))
            throw new InvalidOperationException("a webhook request carries its WebhookSend");

        await slots.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var at = time.GetUtcNow();
            var headers = WebhookSigner.Sign(send.Secret, send.EventId, at, send.Body);
            Set(request, WebhookHeaders.IdHeader, headers.Id);
            Set(request, WebhookHeaders.TimestampHeader, headers.Timestamp);
            Set(request, WebhookHeaders.SignatureHeader, headers.Signature);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                send.Record(new DeliveryAttempt(at, (int)response.StatusCode, null, Elapsed(started)));
                return response;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                var elapsed = Elapsed(started);
                var error = ex is OperationCanceledException
                    ? $"no answer within {(elapsed / 1000).ToString("0.###", CultureInfo.InvariantCulture)} s (attempt timed out or delivery stopped)"
                    : ex.Message;
                send.Record(new DeliveryAttempt(at, null, error, elapsed));
                throw;
            }
        }
        finally
        {
            slots.Slots.Release();
        }
    }

    private static void Set(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }

    private static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
