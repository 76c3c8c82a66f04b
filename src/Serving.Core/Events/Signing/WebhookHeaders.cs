namespace Serving.Core.Events.Signing;

/// <summary>The three Standard Webhooks headers one delivery carries.</summary>
/// <param name="Id">The event's stable id (<c>webhook-id</c>): the same on every retry and redelivery.</param>
/// <param name="Timestamp">Unix seconds of this attempt (<c>webhook-timestamp</c>), as sent.</param>
/// <param name="Signature">Space-separated <c>v1,&lt;base64&gt;</c> signatures (<c>webhook-signature</c>).</param>
public sealed record WebhookHeaders(string Id, string Timestamp, string Signature)
{
    /// <summary>Header carrying the event id.</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>Header carrying the send time in unix seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>Header carrying the signatures.</summary>
    public const string SignatureHeader = "webhook-signature";
}
