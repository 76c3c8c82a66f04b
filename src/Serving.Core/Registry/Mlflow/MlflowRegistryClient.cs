using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Serving.Core.Registry.Mlflow;

/// <summary>
/// The parts of MLflow's REST API 2.0 the gateway uses: resolve an alias, read a version and its download URI,
/// and list and download its files over the <c>mlflow-artifacts</c> proxy. Every call has a time limit; failures
/// become <see cref="MlflowRegistryException"/> with MLflow's error code and message.
/// </summary>
public sealed class MlflowRegistryClient
{
    private const string Api = "api/2.0/mlflow/";
    private const string Artifacts = "api/2.0/mlflow-artifacts/artifacts";

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = false };

    private readonly HttpClient _http;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeSpan _downloadTimeout;
    private readonly MlflowDownloadLimits _limits;

    /// <param name="http">A client whose <see cref="HttpClient.BaseAddress"/> is the tracking server (see <see cref="CreateHttpClient"/>).</param>
    /// <param name="limits">Bounds on one version's download; <see cref="MlflowDownloadLimits.Default"/> when null.</param>
    public MlflowRegistryClient(HttpClient http, TimeSpan requestTimeout, TimeSpan downloadTimeout, MlflowDownloadLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("the HttpClient needs the tracking server as its BaseAddress", nameof(http));
        }

        _http = http;
        _requestTimeout = requestTimeout;
        _downloadTimeout = downloadTimeout;
        _limits = limits ?? MlflowDownloadLimits.Default;
    }

    /// <summary>
    /// An HttpClient for the tracking server: base address with a trailing slash, credentials from the options (or
    /// from user info in the URL) as an Authorization header, and no client-wide timeout (each call sets its own).
    /// </summary>
    public static HttpClient CreateHttpClient(MlflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var uri = new UriBuilder(options.TrackingUri);
        var user = Uri.UnescapeDataString(uri.UserName);
        var password = Uri.UnescapeDataString(uri.Password);
        uri.UserName = string.Empty;
        uri.Password = string.Empty;
        if (!uri.Path.EndsWith('/'))
        {
            uri.Path += "/";
        }

        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = uri.Uri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (!string.IsNullOrEmpty(options.Token))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        }
        else if (!string.IsNullOrEmpty(options.Username) || user.Length > 0)
        {
            var basic = string.IsNullOrEmpty(options.Username) ? $"{user}:{password}" : $"{options.Username}:{options.Password}";
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }

        return http;
    }

    /// <summary>The tracking server, without credentials: safe to log.</summary>
    public Uri Server => _http.BaseAddress!;

    /// <summary>The version an alias points at, or null when the model has no such alias (or no such model).</summary>
    public async Task<MlflowModelVersion?> FindVersionByAliasAsync(string registeredModel, string alias, CancellationToken cancellationToken)
    {
        try
        {
            var response = await GetJsonAsync<ModelVersionResponse>(
                $"{Api}registered-models/alias?name={Uri.EscapeDataString(registeredModel)}&alias={Uri.EscapeDataString(alias)}", cancellationToken).ConfigureAwait(false);
            return response.ModelVersion ?? throw Invalid("registered-models/alias", "no model_version");
        }
        catch (MlflowRegistryException ex) when (ex.Kind == MlflowErrorKind.Rejected
            && (ex.ErrorCode == "RESOURCE_DOES_NOT_EXIST" || ex.ErrorCode == "INVALID_PARAMETER_VALUE" && ex.Message.Contains("not found", StringComparison.OrdinalIgnoreCase)))
        {
            // MLflow 2.x answers 400 INVALID_PARAMETER_VALUE "Registered model alias X not found." (newer ones 404).
            return null;
        }
    }

    /// <summary>One model version.</summary>
    public async Task<MlflowModelVersion> GetModelVersionAsync(string registeredModel, string version, CancellationToken cancellationToken)
    {
        var response = await GetJsonAsync<ModelVersionResponse>(
            $"{Api}model-versions/get?name={Uri.EscapeDataString(registeredModel)}&version={Uri.EscapeDataString(version)}", cancellationToken).ConfigureAwait(false);
        return response.ModelVersion ?? throw Invalid("model-versions/get", "no model_version");
    }

    /// <summary>The URI a version's files are downloaded from (<c>model-versions/get-download-uri</c>).</summary>
    public async Task<string> GetDownloadUriAsync(string registeredModel, string version, CancellationToken cancellationToken)
    {
        var response = await GetJsonAsync<DownloadUriResponse>(
            $"{Api}model-versions/get-download-uri?name={Uri.EscapeDataString(registeredModel)}&version={Uri.EscapeDataString(version)}", cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(response.ArtifactUri) ? throw Invalid("model-versions/get-download-uri", "no artifact_uri") : response.ArtifactUri;
    }

    /// <summary>The files and folders directly inside an artifact folder (paths relative to it).</summary>
    public async Task<IReadOnlyList<MlflowArtifactFile>> ListArtifactsAsync(string path, CancellationToken cancellationToken)
    {
        var response = await GetJsonAsync<ListResponse>($"{Artifacts}?path={Uri.EscapeDataString(path)}", cancellationToken).ConfigureAwait(false);
        return MlflowArtifactListing.Check(response.Files, path);
    }

    /// <summary>Downloads one artifact file to <paramref name="destinationFile"/>.</summary>
    public Task DownloadFileAsync(string path, string destinationFile, CancellationToken cancellationToken) =>
        DownloadFileAsync(path, destinationFile, null, _limits.MaxVersionBytes, cancellationToken);

    /// <summary>
    /// Downloads one artifact file of at most <paramref name="limit"/> bytes; returns its size. When the listing gave
    /// a size, the file must have it: a server that closes the connection early without a Content-Length ends the
    /// body as if it were whole, and a half file must never be published.
    /// </summary>
    private async Task<long> DownloadFileAsync(string path, string destinationFile, long? expectedSize, long limit, CancellationToken cancellationToken)
    {
        var url = $"{Artifacts}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_downloadTimeout);
        long size;
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            await EnsureSuccessAsync(response, "download " + path, timeout.Token).ConfigureAwait(false);
            await using var destination = File.Create(destinationFile);
            size = await BoundedContent.CopyAsync(response.Content, destination, limit, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            throw Unreachable("download " + path, _downloadTimeout, ex);
        }

        if (size < 0)
        {
            throw TooLarge(path);
        }

        // A body cut short is a server that went away mid-file: the next poll tries again. One longer than listed
        // is a listing that does not describe the files, which retrying will not mend.
        if (expectedSize is { } expected && expected != size)
        {
            throw new MlflowRegistryException(size < expected ? MlflowErrorKind.Unreachable : MlflowErrorKind.Invalid,
                $"MLflow download {path} sent {size} bytes, but the artifact listing says the file has {expected}");
        }

        return size;
    }

    /// <summary>
    /// Downloads every file under an artifact URI into <paramref name="destination"/>, keeping sub-folders.
    /// Returns the number of files. Paths that would leave the destination are refused, and so is a version with
    /// more entries or bytes than <see cref="MlflowDownloadLimits"/> allow.
    /// </summary>
    public async Task<int> DownloadDirectoryAsync(string artifactUri, string destination, CancellationToken cancellationToken)
    {
        var root = MlflowArtifactUri.PathOf(artifactUri);

        // The download time limit holds for the whole version, not for each call: a server answering each listing
        // or file just in time could otherwise hold one poll for days (10,000 entries of 600 s each).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_downloadTimeout);
        try
        {
            return await DownloadEntriesAsync(root, destination, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MlflowRegistryException(MlflowErrorKind.Unreachable,
                $"MLflow download of '{root}' at {Server} did not finish within {_downloadTimeout.TotalSeconds:0.#} s (Serving:Mlflow:DownloadTimeoutSeconds)", innerException: ex);
        }
    }

    private async Task<int> DownloadEntriesAsync(string root, string destination, CancellationToken cancellationToken)
    {
        var count = 0;
        var entries = 0;
        long bytes = 0;
        var pending = new Stack<string>();
        pending.Push(string.Empty);
        while (pending.TryPop(out var relative))
        {
            var folder = relative.Length == 0 ? root : $"{root}/{relative}";
            foreach (var entry in await ListArtifactsAsync(folder, cancellationToken).ConfigureAwait(false))
            {
                // Folders count too: a server that lists a sub-folder in every folder would otherwise be walked forever.
                if (++entries > _limits.MaxEntries)
                {
                    throw new MlflowRegistryException(MlflowErrorKind.Invalid,
                        $"the artifacts under '{root}' hold more than {_limits.MaxEntries} files and folders (the gateway's limit); refusing the version");
                }

                var child = relative.Length == 0 ? entry.Path : $"{relative}/{entry.Path}";
                if (entry.IsDir)
                {
                    pending.Push(child);
                    continue;
                }

                var left = _limits.MaxVersionBytes - bytes;
                if (entry.FileSize is < 0 || entry.FileSize > left)
                {
                    throw entry.FileSize < 0
                        ? new MlflowRegistryException(MlflowErrorKind.Invalid, $"the artifact listing gives '{root}/{child}' the size {entry.FileSize}")
                        : TooLarge($"{root}/{child}");
                }

                var target = Path.Combine(destination, child.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                bytes += await DownloadFileAsync($"{root}/{child}", target, entry.FileSize, left, cancellationToken).ConfigureAwait(false);
                count++;
            }
        }

        return count;
    }

    private MlflowRegistryException TooLarge(string path) =>
        new(MlflowErrorKind.Invalid,
            $"MLflow download {path} would take the version past {_limits.MaxVersionBytes} bytes (the gateway's limit, Serving:Mlflow:MaxVersionMegabytes); refusing the version");

    private async Task<T> GetJsonAsync<T>(string url, CancellationToken cancellationToken)
    {
        var what = url.Split('?')[0];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        byte[] body;
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            await EnsureSuccessAsync(response, what, timeout.Token).ConfigureAwait(false);
            body = await BoundedContent.ReadAsync(response.Content, _limits.MaxAnswerBytes, timeout.Token).ConfigureAwait(false)
                ?? throw Invalid(what, $"more than {_limits.MaxAnswerBytes} bytes, far more than any MLflow answer");
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            throw Unreachable(what, _requestTimeout, ex);
        }

        try
        {
            return JsonSerializer.Deserialize<T>(body, Json) ?? throw Invalid(what, "an empty answer");
        }
        catch (JsonException ex)
        {
            throw new MlflowRegistryException(MlflowErrorKind.Invalid, $"MLflow {what} answered JSON the gateway cannot read: {ex.Message}", innerException: ex);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        // Only the start of an error page is quoted, so only so much of it is read.
        var bytes = await BoundedContent.ReadAsync(response.Content, _limits.MaxAnswerBytes, cancellationToken).ConfigureAwait(false);
        var body = bytes is null ? "(an answer too large to quote)" : Encoding.UTF8.GetString(bytes);
        string? code = null;
        string? message = null;
        try
        {
            var error = JsonSerializer.Deserialize<ErrorResponse>(body, Json);
            (code, message) = (error?.ErrorCode, error?.Message);
        }
        catch (JsonException)
        {
            // Not MLflow's error JSON (a proxy's HTML page, say): quote the start of the body instead.
        }

        var status = response.StatusCode;
        var kind = (int)status >= 500 || status == HttpStatusCode.TooManyRequests ? MlflowErrorKind.Unreachable : MlflowErrorKind.Rejected;
        var detail = message ?? (body.Length > 200 ? body[..200] + "..." : body);
        var hint = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " (check Serving:Mlflow:Token or Username/Password)" : string.Empty;
        throw new MlflowRegistryException(kind, $"MLflow {what} answered {(int)status} {code ?? status.ToString()}: {detail}{hint}", code, status);
    }

    /// <summary>A failure to talk to the server at all: refused, reset, or out of time (but not the caller cancelling).</summary>
    private static bool IsTransport(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or IOException || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested;

    private MlflowRegistryException Unreachable(string what, TimeSpan limit, Exception ex) => ex is OperationCanceledException
        ? new MlflowRegistryException(MlflowErrorKind.Unreachable, $"MLflow {what} at {Server} did not answer within {limit.TotalSeconds:0.#} s", innerException: ex)
        : new MlflowRegistryException(MlflowErrorKind.Unreachable, $"MLflow {what} at {Server} failed: {ex.Message}", innerException: ex);

    private static MlflowRegistryException Invalid(string what, string problem) =>
        new(MlflowErrorKind.Invalid, $"MLflow {what} answered {problem}");

    private sealed record ModelVersionResponse([property: System.Text.Json.Serialization.JsonPropertyName("model_version")] MlflowModelVersion? ModelVersion);

    private sealed record DownloadUriResponse([property: System.Text.Json.Serialization.JsonPropertyName("artifact_uri")] string? ArtifactUri);

    private sealed record ListResponse([property: System.Text.Json.Serialization.JsonPropertyName("files")] IReadOnlyList<MlflowArtifactFile?>? Files);

    private sealed record ErrorResponse(
        [property: System.Text.Json.Serialization.JsonPropertyName("error_code")] string? ErrorCode,
        [property: System.Text.Json.Serialization.JsonPropertyName("message")] string? Message);
}
