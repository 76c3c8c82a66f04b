using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;
using Serving.Core.Registry.Mlflow;

namespace Serving.Cli.Retraining.Mlflow;

/// <summary>
/// The tracking half of MLflow's REST API 2.0 the retrainer writes through: experiments, runs, their params, metrics
/// and tags, artifacts over the <c>mlflow-artifacts</c> proxy, and model versions with their aliases. Each call is
/// retried on transport failures, 5xx and 429 with exponential back-off and has a per-attempt time limit (the
/// resilience pipeline the webhook deliverer uses too); what still fails becomes <see cref="MlflowTrackingException"/>.
/// </summary>
public sealed class MlflowTrackingClient : IDisposable
{
    private const string Api = "api/2.0/mlflow/";
    private const string Artifacts = "api/2.0/mlflow-artifacts/artifacts/";

    private readonly HttpClient _http;

    public MlflowTrackingClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http.BaseAddress is null ? throw new ArgumentException("the HttpClient needs the tracking server as its BaseAddress", nameof(http)) : http;
    }

    /// <summary>The tracking server without credentials: what links and logs show.</summary>
    public Uri Server => _http.BaseAddress!;

    /// <summary>
    /// A client for <paramref name="config"/>'s server: retries and per-attempt timeouts in the handler chain,
    /// credentials from the URL's user info or <c>MLFLOW_TRACKING_TOKEN</c> / <c>MLFLOW_TRACKING_USERNAME</c>+<c>PASSWORD</c>.
    /// </summary>
    public static MlflowTrackingClient Create(MlflowTrackingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        // Real time on purpose, not the retrainer's clock: waits and limits on the wire are wall-clock matters.
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (config.Retries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = config.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(config.RetryDelaySeconds),
                ShouldRetryAfterHeader = true,
            });
        }

        pipeline.AddTimeout(TimeSpan.FromSeconds(config.RequestTimeoutSeconds));
        var handler = new ResilienceHandler(pipeline.Build())
        {
            InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(config.RequestTimeoutSeconds) },
        };
        var uri = new UriBuilder(config.Server);
        var user = Uri.UnescapeDataString(uri.UserName);
        var password = Uri.UnescapeDataString(uri.Password);
        uri.UserName = string.Empty;
        uri.Password = string.Empty;
        var http = new HttpClient(handler) { BaseAddress = uri.Uri, Timeout = Timeout.InfiniteTimeSpan };
        var token = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_TOKEN");
        var envUser = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_USERNAME");
        if (!string.IsNullOrEmpty(token))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (user.Length > 0 || !string.IsNullOrEmpty(envUser))
        {
            var basic = user.Length > 0 ? $"{user}:{password}" : $"{envUser}:{Environment.GetEnvironmentVariable("MLFLOW_TRACKING_PASSWORD")}";
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }

        return new MlflowTrackingClient(http);
    }

    /// <summary>The id of the experiment named <paramref name="name"/>, created when there is none.</summary>
    public async Task<string> ExperimentIdAsync(string name, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var found = await SendAsync(HttpMethod.Get, $"experiments/get-by-name?experiment_name={Uri.EscapeDataString(name)}", null, cancellationToken).ConfigureAwait(false);
                return Text(found["experiment"]?["experiment_id"], "experiments/get-by-name", "experiment.experiment_id");
            }
            catch (MlflowTrackingException ex) when (ex.ErrorCode == "RESOURCE_DOES_NOT_EXIST" && attempt == 0)
            {
                try
                {
                    var created = await SendAsync(HttpMethod.Post, "experiments/create", new JsonObject { ["name"] = name }, cancellationToken).ConfigureAwait(false);
                    return Text(created["experiment_id"], "experiments/create", "experiment_id");
                }
                catch (MlflowTrackingException race) when (race.ErrorCode == "RESOURCE_ALREADY_EXISTS")
                {
                    // Another writer created it between the two calls: read it again.
                }
            }
        }
    }

    /// <summary>Creates a run; answers its id and artifact URI.</summary>
    public async Task<(string RunId, string ArtifactUri)> CreateRunAsync(string experimentId, string runName, DateTimeOffset start, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["experiment_id"] = experimentId,
            ["run_name"] = runName,
            ["start_time"] = start.ToUnixTimeMilliseconds(),
            ["tags"] = Pairs(tags),
        };
        var answer = await SendAsync(HttpMethod.Post, "runs/create", body, cancellationToken).ConfigureAwait(false);
        var info = answer["run"]?["info"];
        return (Text(info?["run_id"], "runs/create", "run.info.run_id"), Text(info?["artifact_uri"], "runs/create", "run.info.artifact_uri"));
    }

    /// <summary>Logs params, metrics and tags, in as many calls as MLflow's per-call limits need.</summary>
    public async Task LogBatchAsync(string runId, IReadOnlyDictionary<string, string> parameters, IReadOnlyList<MlflowMetric> metrics, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        // MLflow takes at most 100 params, 100 tags and 1000 metrics in one log-batch.
        var p = parameters.ToList();
        var t = tags.ToList();
        for (var i = 0; i == 0 || i * 100 < p.Count || i * 100 < t.Count || i * 1000 < metrics.Count; i++)
        {
            var body = new JsonObject
            {
                ["run_id"] = runId,
                ["params"] = Pairs(p.Skip(i * 100).Take(100)),
                ["tags"] = Pairs(t.Skip(i * 100).Take(100)),
                ["metrics"] = new JsonArray([.. metrics.Skip(i * 1000).Take(1000).Select(m => (JsonNode)new JsonObject
                {
                    ["key"] = m.Key,
                    ["value"] = m.Value,
                    ["timestamp"] = m.Timestamp.ToUnixTimeMilliseconds(),
                    ["step"] = m.Step,
                })]),
            };
            await SendAsync(HttpMethod.Post, "runs/log-batch", body, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sets a run's final status (<c>FINISHED</c>, <c>FAILED</c>, <c>KILLED</c>) and end time.</summary>
    public Task UpdateRunAsync(string runId, string status, DateTimeOffset end, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "runs/update", new JsonObject { ["run_id"] = runId, ["status"] = status, ["end_time"] = end.ToUnixTimeMilliseconds() }, cancellationToken);

    /// <summary>The run's experiment id and artifact URI (<c>runs/get</c>).</summary>
    public async Task<(string ExperimentId, string ArtifactUri)> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Get, $"runs/get?run_id={Uri.EscapeDataString(runId)}", null, cancellationToken).ConfigureAwait(false);
        var info = answer["run"]?["info"];
        return (Text(info?["experiment_id"], "runs/get", "run.info.experiment_id"), Text(info?["artifact_uri"], "runs/get", "run.info.artifact_uri"));
    }

    /// <summary>Uploads one file under a run's <c>mlflow-artifacts:</c> URI through the server's artifact proxy.</summary>
    public async Task UploadArtifactAsync(string artifactUri, string relativePath, byte[] content, CancellationToken cancellationToken)
    {
        string root;
        try
        {
            root = MlflowArtifactUri.PathOf(artifactUri);
        }
        catch (MlflowRegistryException ex)
        {
            throw new MlflowTrackingException(ex.Message, ex);
        }

        var path = string.Join('/', $"{root}/{relativePath}".Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));
        using var request = new HttpRequestMessage(HttpMethod.Put, Artifacts + path) { Content = new ByteArrayContent(content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        await SendAsync(request, $"PUT artifacts {relativePath}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the registered model; one that exists already is fine.</summary>
    public async Task EnsureRegisteredModelAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(HttpMethod.Post, "registered-models/create", new JsonObject { ["name"] = name }, cancellationToken).ConfigureAwait(false);
        }
        catch (MlflowTrackingException ex) when (ex.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
        }
    }

    /// <summary>Registers a run's logged model as a new version; answers the version number as MLflow writes it.</summary>
    public async Task<string> CreateModelVersionAsync(string name, string source, string runId, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Post, "model-versions/create", new JsonObject { ["name"] = name, ["source"] = source, ["run_id"] = runId }, cancellationToken).ConfigureAwait(false);
        return Text(answer["model_version"]?["version"], "model-versions/create", "model_version.version");
    }

    /// <summary>Points an alias of a registered model at a version (moving it when it pointed elsewhere).</summary>
    public Task SetAliasAsync(string name, string alias, string version, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "registered-models/alias", new JsonObject { ["name"] = name, ["alias"] = alias, ["version"] = version }, cancellationToken);

    /// <summary>The link to a run in MLflow's UI.</summary>
    public static string RunUrl(Uri server, string experimentId, string runId) =>
        $"{server.GetLeftPart(UriPartial.Path).TrimEnd('/')}/#/experiments/{Uri.EscapeDataString(experimentId)}/runs/{Uri.EscapeDataString(runId)}";

    public void Dispose() => _http.Dispose();

    private static JsonArray Pairs(IEnumerable<KeyValuePair<string, string>> pairs) =>
        new([.. pairs.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value })]);

    private static string Text(JsonNode? node, string call, string field) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new MlflowTrackingException($"MLflow's answer to {call} has no {field}");

    private async Task<JsonObject> SendAsync(HttpMethod method, string call, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Api + call);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        var name = call.Split('?')[0];
        var text = await SendAsync(request, name, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonNode.Parse(text.Length == 0 ? "{}" : text) as JsonObject ?? throw new MlflowTrackingException($"MLflow's answer to {name} is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new MlflowTrackingException($"MLflow's answer to {name} is not JSON: {ex.Message}", ex);
        }
    }

    private async Task<string> SendAsync(HttpRequestMessage request, string name, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new MlflowTrackingException($"{name}: cannot reach the tracking server {Server}: {ex.Message}", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new MlflowTrackingException($"{name}: the tracking server {Server} did not answer in time ({ex.Message})", ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return text;
            }

            string? code = null;
            var message = text.Length > 300 ? text[..300] : text;
            try
            {
                if (JsonNode.Parse(text) is JsonObject error)
                {
                    code = error["error_code"]?.GetValue<string>();
                    message = error["message"]?.GetValue<string>() ?? message;
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                // Not MLflow's error shape (a proxy's page, say): the text itself is the message.
            }

            throw new MlflowTrackingException(
                string.Create(CultureInfo.InvariantCulture, $"{name}: MLflow answered {(int)response.StatusCode}{(code is null ? string.Empty : " " + code)}: {message}"),
                code,
                (int)response.StatusCode);
        }
    }
}

/// <summary>One metric value at a step, as <c>runs/log-batch</c> takes it.</summary>
public sealed record MlflowMetric(string Key, double Value, long Step, DateTimeOffset Timestamp);
