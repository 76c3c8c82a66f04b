using Serving.Core.Events.Webhooks;

namespace Serving.Gateway.Rest.Admin;

/// <summary>A subscription as <c>GET /admin/webhooks</c> shows it: never its secret.</summary>
internal sealed record WebhookSubscriptionView(string Id, string Url, IReadOnlyList<string> Events, string Source, DateTimeOffset? CreatedAt)
{
    public static WebhookSubscriptionView Of(WebhookSubscription s) =>
        new(s.Id, s.Url.ToString(), s.Events, s.Source, s.Source == WebhookSubscription.FromApi ? s.CreatedAt : null);
}

/// <summary>The answer to <c>POST /admin/webhooks</c>: the one time the secret is shown.</summary>
internal sealed record CreatedWebhookView(string Id, string Url, IReadOnlyList<string> Events, string Source, DateTimeOffset CreatedAt, string Secret);

/// <summary>The body of <c>POST /admin/webhooks</c>.</summary>
internal sealed record CreateWebhookBody(string? Url, string? Secret, List<string>? Events);

/// <summary>The answer to <c>POST /admin/events</c>: <c>recorded</c> false when the id was already known (nothing new is sent).</summary>
internal sealed record PublishedEventView(string Id, string Type, bool Recorded);
