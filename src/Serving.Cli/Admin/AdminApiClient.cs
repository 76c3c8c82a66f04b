using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Serving.Core.Events.Outbox;
using Serving.Core.Rollouts;

namespace Serving.Cli.Admin;

/// <summary>The gateway's admin API over HTTP. Failures become <see cref="AdminApiException"/> with the server's message.</summary>
public sealed class AdminApiClient : IDisposable
{
    // The views' constructor parameters and nullable annotations say which fields an answer must carry: an answer
    // without them (a stand-in's {} or [null]) is refused here rather than printed as made-up zeros or a stack trace.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new NoNullElements() },
    };
    private readonly HttpClient _http;

    public AdminApiClient(AdminConnection connection, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = connection.BaseUrl;
        _http.Timeout = TimeSpan.FromSeconds(100);
        if (connection.ApiKey is { } key)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    public Task<AdminAnswer<IReadOnlyList<ModelView>>> ListModelsAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<ModelView>>(HttpMethod.Get, "admin/models", null, cancellationToken);

    public Task<AdminAnswer<ModelView>> GetModelAsync(string model, CancellationToken cancellationToken) =>
        SendAsync<ModelView>(HttpMethod.Get, $"admin/models/{Escape(model)}", null, cancellationToken);

    public Task<AdminAnswer<DeploymentView>> SetDeploymentAsync(string model, DeploymentView deployment, CancellationToken cancellationToken) =>
        SendAsync<DeploymentView>(HttpMethod.Put, $"admin/models/{Escape(model)}/deployment", deployment, cancellationToken);

    /// <summary><c>promote</c> or <c>rollback</c>.</summary>
    public Task<AdminAnswer<DeploymentView>> ChangeDeploymentAsync(string model, string action, CancellationToken cancellationToken) =>
        SendAsync<DeploymentView>(HttpMethod.Post, $"admin/models/{Escape(model)}/{action}", null, cancellationToken);

    public Task<AdminAnswer<RolloutStatus>> StartRolloutAsync(string model, RolloutRequest request, CancellationToken cancellationToken) =>
        SendAsync<RolloutStatus>(HttpMethod.Post, $"admin/models/{Escape(model)}/rollout", request, cancellationToken);

    public Task<AdminAnswer<RolloutStatus>> GetRolloutAsync(string model, CancellationToken cancellationToken) =>
        SendAsync<RolloutStatus>(HttpMethod.Get, $"admin/models/{Escape(model)}/rollout", null, cancellationToken);

    /// <summary><c>pause</c>, <c>resume</c> or <c>abort</c>.</summary>
    public Task<AdminAnswer<RolloutStatus>> ChangeRolloutAsync(string model, string action, CancellationToken cancellationToken) =>
        SendAsync<RolloutStatus>(HttpMethod.Post, $"admin/models/{Escape(model)}/rollout/{action}", null, cancellationToken);

    /// <summary><c>load</c> or <c>unload</c>.</summary>
    public Task<AdminAnswer<VersionView>> ChangeVersionAsync(string model, int version, string action, CancellationToken cancellationToken) =>
        SendAsync<VersionView>(HttpMethod.Post, $"admin/models/{Escape(model)}/versions/{version}/{action}", null, cancellationToken);

    public Task<AdminAnswer<IReadOnlyList<WebhookView>>> ListWebhooksAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<WebhookView>>(HttpMethod.Get, "admin/webhooks", null, cancellationToken);

    public Task<AdminAnswer<CreatedWebhookView>> CreateWebhookAsync(CreateWebhookRequest subscription, CancellationToken cancellationToken) =>
        SendAsync<CreatedWebhookView>(HttpMethod.Post, "admin/webhooks", subscription, cancellationToken);

    public Task DeleteWebhookAsync(string id, CancellationToken cancellationToken) =>
        SendTextAsync(HttpMethod.Delete, $"admin/webhooks/{Escape(id)}", null, cancellationToken);

    public Task<AdminAnswer<IReadOnlyList<DeliveryView>>> ListDeliveriesAsync(string? eventId, string? subscription, int? limit, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (eventId is not null)
            query.Add("event=" + Escape(eventId));
        if (subscription is not null)
            query.Add("subscription=" + Escape(subscription));
        if (limit is { } n)
            query.Add("limit=" + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var path = "admin/webhooks/deliveries" + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query));
        return SendAsync<IReadOnlyList<DeliveryView>>(HttpMethod.Get, path, null, cancellationToken);
    }

    public Task<AdminAnswer<IReadOnlyList<DeliveryView>>> RedeliverAsync(string eventId, string? subscription, CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<DeliveryView>>(
            HttpMethod.Post,
            $"admin/webhooks/deliveries/{Escape(eventId)}/redeliver" + (subscription is null ? string.Empty : "?subscription=" + Escape(subscription)),
            null,
            cancellationToken);

    /// <summary>
    /// Set when a change answered by the gateway is in effect but could not be saved (a full disk, a read-only data
    /// directory): the gateway's reason. The change is lost when the gateway restarts.
    /// </summary>
    public string? StateUnsaved { get; private set; }

    public void Dispose() => _http.Dispose();

    private static string Escape(string model) => Uri.EscapeDataString(model);

    private async Task<AdminAnswer<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        var (status, text) = await SendTextAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        try
        {
            var value = JsonSerializer.Deserialize<T>(text, Json) ?? throw new JsonException("empty answer");
            return new AdminAnswer<T>(value, text);
        }
        catch (JsonException ex)
        {
            throw new AdminApiException(status, $"the gateway's answer is not what the admin API returns: {GatewayBody.Line(ex.Message)}");
        }
    }

    /// <summary>Sends the request; a 2xx answer's status and text, else <see cref="AdminApiException"/> with the server's message.</summary>
    private async Task<(int Status, string Text)> SendTextAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: Json) };
        int status;
        string text;
        try
        {
            var reply = await GatewayExchange.SendAsync(_http, request, static s => s is >= 200 and <= 299, "what the admin API returns", cancellationToken).ConfigureAwait(false);
            (status, text) = (reply.Status, reply.Text);
            StateUnsaved = reply.StateUnsaved ?? StateUnsaved;
        }
        catch (HttpRequestException ex)
        {
            throw new AdminApiException(0, Unreachable(ex));
        }

        if (status == 401)
        {
            throw new AdminApiException(status, _http.DefaultRequestHeaders.Authorization is null
                ? $"the gateway needs an admin key (HTTP 401): pass --api-key <key> or set the {AdminConnection.ApiKeyVariable} environment variable"
                : $"{ErrorOf(text) ?? "the admin key was refused"} (HTTP 401); check the key given with --api-key or {AdminConnection.ApiKeyVariable}");
        }

        if (status is >= 300 and <= 399)
        {
            // Redirects are followed; one still here went round in a loop, or nowhere the client would follow.
            throw new AdminApiException(status, $"the server at {_http.BaseAddress} answered with a redirect (HTTP {status}) that did not lead to an answer; point --url or {AdminConnection.UrlVariable} at the gateway itself");
        }

        if (status is < 200 or > 299)
        {
            throw new AdminApiException(status, $"{ErrorOf(text) ?? "no message"} (HTTP {status})");
        }

        return (status, text);
    }

    private static string? ErrorOf(string text) => GatewayBody.MessageOf(text);

    /// <summary>
    /// Why a request got no HTTP answer, in words that tell a gateway that is not there from a server that is not one:
    /// "cannot reach" alone sent people looking for a network fault when a port answered in something else than HTTP.
    /// </summary>
    private string Unreachable(HttpRequestException exception)
    {
        var inner = exception.InnerException?.Message is { Length: > 0 } detail && detail != exception.Message ? $" ({detail})" : string.Empty;
        return exception.HttpRequestError switch
        {
            HttpRequestError.SecureConnectionError => $"no TLS connection to the gateway at {_http.BaseAddress}: {exception.Message}{inner} (is it http:// rather than https://?)",
            HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded or HttpRequestError.HttpProtocolError =>
                $"the server at {_http.BaseAddress} did not answer in HTTP the CLI can read: {exception.Message}{inner} (is --url the gateway's REST port?)",
            _ => $"cannot reach the gateway at {_http.BaseAddress}: {exception.Message}{inner}",
        };
    }
}
