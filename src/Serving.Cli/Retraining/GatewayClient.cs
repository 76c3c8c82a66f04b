using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Serving.Cli.Retraining;

/// <summary>
/// The retrainer's side of the gateway's admin API: which version is stable (<c>GET /admin/models/{name}</c>) and
/// reports of what a run published or refused (<c>POST /admin/events</c>, which the gateway delivers to its webhook
/// subscribers through its own outbox). Neither ever fails a run: an unreachable gateway is logged and the run goes on.
/// </summary>
public sealed class GatewayClient(HttpClient? http, ILogger<GatewayClient> logger, TimeSpan? lookupTimeout = null)
{
    /// <summary>
    /// How long a deployment look-up waits by default: well under the gateway's webhook attempt timeout (15 s), so a slow
    /// admin API makes the trigger guard go on without the answer instead of making the sender give up on the delivery.
    /// </summary>
    public static readonly TimeSpan DefaultLookupTimeout = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _lookupTimeout = lookupTimeout ?? DefaultLookupTimeout;

    /// <summary>The gateway's deployment's stable version; null when no gateway is configured, it cannot be reached or the model has no deployment.</summary>
    public async Task<int?> StableVersionAsync(string model, CancellationToken cancellationToken) =>
        (await DeploymentAsync(model, cancellationToken).ConfigureAwait(false))?.Stable;

    /// <summary>The gateway's deployment of the model (stable, canary, shadow); null when no gateway is configured, it cannot be reached or the model has no deployment.</summary>
    public async Task<GatewayDeployment?> DeploymentAsync(string model, CancellationToken cancellationToken)
    {
        if (http is null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_lookupTimeout);
        try
        {
            using var response = await http.GetAsync($"admin/models/{Uri.EscapeDataString(model)}", timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                RetrainerLog.StableUnknown(logger, model, $"HTTP {(int)response.StatusCode}");
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
            return document.RootElement.TryGetProperty("deployment", out var deployment) && deployment.ValueKind == JsonValueKind.Object
                && VersionOf(deployment, "stable") is { } stable
                ? new GatewayDeployment(stable, VersionOf(deployment, "canary"), VersionOf(deployment, "shadow"))
                : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is OperationCanceledException
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"no answer within {_lookupTimeout.TotalSeconds} s")
                : ex.Message;
            RetrainerLog.StableUnknown(logger, model, reason);
            return null;
        }
    }

    private static int? VersionOf(JsonElement deployment, string name) =>
        deployment.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var version) ? version : null;

    /// <summary>Posts a <c>version.published</c> or <c>version.failed</c> event; true when the gateway took it (202).</summary>
    public async Task<bool> ReportAsync(string id, string type, DateTimeOffset timestamp, JsonObject data, CancellationToken cancellationToken)
    {
        if (http is null)
        {
            RetrainerLog.ReportSkipped(logger, type, id);
            return false;
        }

        var body = new JsonObject { ["id"] = id, ["type"] = type, ["timestamp"] = timestamp.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture), ["data"] = data };
        try
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("admin/events", content, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                RetrainerLog.Reported(logger, type, id);
                return true;
            }

            RetrainerLog.ReportFailed(logger, type, id, $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            RetrainerLog.ReportFailed(logger, type, id, ex.Message);
            return false;
        }
    }

    /// <summary>An HTTP client for the gateway at <paramref name="baseUrl"/>, sending the admin key when there is one.</summary>
    public static HttpClient Create(Uri baseUrl, string? adminKey)
    {
        var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(15) };
        if (adminKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        }

        return http;
    }
}
