namespace Serving.Cli.Admin;

/// <summary>A subscription as <c>GET /admin/webhooks</c> shows it (never with its secret).</summary>
public sealed record WebhookView(string Id, string Url, IReadOnlyList<string> Events, string Source, DateTimeOffset? CreatedAt);

/// <summary>The answer to <c>POST /admin/webhooks</c>, the one time the secret is shown.</summary>
public sealed record CreatedWebhookView(string Id, string Url, IReadOnlyList<string> Events, string Source, DateTimeOffset CreatedAt, string Secret);

/// <summary>The body of <c>POST /admin/webhooks</c>; a null secret asks the gateway to generate one.</summary>
public sealed record CreateWebhookRequest(string Url, string? Secret, IReadOnlyList<string>? Events);
