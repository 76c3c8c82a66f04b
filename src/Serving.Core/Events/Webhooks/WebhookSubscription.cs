using Serving.Core.Events.Signing;

namespace Serving.Core.Events.Webhooks;

/// <summary>A receiver: where to send, the secret to sign with and which event types it wants.</summary>
/// <param name="Id">Stable: <c>config-…</c> derived from the URL for configured ones, <c>wh_…</c> random for API-created ones.</param>
/// <param name="Events">The types it wants; empty means every type.</param>
/// <param name="Source"><c>config</c> or <c>api</c>; only API-created subscriptions can be deleted through the API.</param>
public sealed record WebhookSubscription(
    string Id,
    Uri Url,
    WebhookSecret Secret,
    IReadOnlyList<string> Events,
    string Source,
    DateTimeOffset CreatedAt)
{
    public const string FromConfig = "config";
    public const string FromApi = "api";

    /// <summary>True when events of <paramref name="type"/> go to this receiver.</summary>
    public bool Wants(string type) => Events.Count == 0 || Events.Contains(type, StringComparer.Ordinal);
}
