namespace Serving.Cli.Admin;

/// <summary>Where the gateway's admin API is and which key to send; options win over the environment.</summary>
public sealed record AdminConnection(Uri BaseUrl, string? ApiKey)
{
    public const string UrlVariable = "SERVING_URL";
    public const string ApiKeyVariable = "SERVING_API_KEY";
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Takes <c>--url</c>/<c>--api-key</c>, else <c>SERVING_URL</c>/<c>SERVING_API_KEY</c>, else the default URL and no key.</summary>
    public static AdminConnection Resolve(string? url, string? apiKey, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var text = FirstSet(url, environment(UrlVariable)) ?? DefaultUrl;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new AdminApiException(0, $"the gateway URL '{text}' is not an http:// or https:// address");
        }

        // Admin paths are resolved relative to the URL: behind a proxy at http://host/prefix they must go under
        // /prefix/, which a URL without its trailing slash would drop.
        if (!uri.AbsolutePath.EndsWith('/'))
        {
            uri = new UriBuilder(uri) { Path = uri.AbsolutePath + "/" }.Uri;
        }

        var key = FirstSet(apiKey, environment(ApiKeyVariable));
        if (key is not null && key.AsSpan().ContainsAnyExceptInRange('\u0020', '\u007E'))
        {
            // An HTTP header carries neither line breaks nor (portably) non-ASCII text; sent anyway, the first made
            // the CLI crash and the second read as "cannot reach the gateway".
            throw new AdminApiException(0, $"the API key (--api-key or {ApiKeyVariable}) holds a control or non-ASCII character, which an HTTP header cannot carry");
        }

        return new AdminConnection(uri, key);
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
