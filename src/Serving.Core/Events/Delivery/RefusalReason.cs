namespace Serving.Core.Events.Delivery;

/// <summary>
/// The delivery log's words for a final answer that is neither a 2xx nor retried. A redirect gets its own: it is
/// not followed (the signed event goes only to the URL the subscription names, as Standard Webhooks senders do), and
/// the reason says where it pointed so the subscription can be corrected; "HTTP 302, which is not retried" alone read
/// like a receiver fault and hid the new address.
/// </summary>
internal static class RefusalReason
{
    /// <summary>How much of a receiver's Location header the reason keeps; the header is the receiver's to fill.</summary>
    internal const int MaxLocationChars = 200;

    public static string For(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            var location = response.Headers.Location?.OriginalString;
            var where = string.IsNullOrWhiteSpace(location)
                ? "with no Location"
                : $"to {(location.Length > MaxLocationChars ? location[..MaxLocationChars] + "…" : location)}";
            return $"the receiver answered HTTP {status}, a redirect {where}; redirects are not followed (a signed event goes only to the subscribed URL): point the subscription at the new URL, then redeliver";
        }

        return $"the receiver answered HTTP {status}, which is not retried (only 5xx, 408, 429 and no answer are)";
    }
}
