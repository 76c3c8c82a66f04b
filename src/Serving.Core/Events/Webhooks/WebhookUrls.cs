namespace Serving.Core.Events.Webhooks;

/// <summary>What a receiver's URL must be, said once for configuration and the admin API alike.</summary>
public static class WebhookUrls
{
    /// <summary>Null for a usable URL, else what is wrong with it (to follow the key or field name).</summary>
    public static string? Problem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return "is required: the receiver's http(s) URL";
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "must be an absolute http:// or https:// URL";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return "must not carry credentials (user:password@); the signature authenticates the gateway";
        return url.Length > 2048 ? "is longer than 2048 characters" : null;
    }
}
