using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serving.Core.Tests.Registry.Mlflow;

/// <summary>
/// A stand-in for an MLflow 2.12 tracking server on real Kestrel (127.0.0.1, a free port): the few REST endpoints
/// the gateway calls, answering with the shapes of Fixtures/Mlflow/registry-rest-transcript*.txt.
/// </summary>
internal sealed class FakeMlflowServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Source, string RunId, string Status)> _versions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private bool _stopped;

    private FakeMlflowServer(WebApplication app)
    {
        _app = app;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>
    /// A hostile or broken server's answer: called before the normal endpoints with the request path; it writes its
    /// own answer and returns true, or returns false to let the normal endpoints answer.
    /// </summary>
    public Func<HttpContext, Task<bool>>? Answer { get; set; }

    /// <summary>Every request's path and query, in order.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    public static async Task<FakeMlflowServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new FakeMlflowServer(builder.Build());
        server.Map();
        await server._app.StartAsync().ConfigureAwait(false);
        server.Address = new Uri(server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>Registers a version of <paramref name="model"/> whose files are <paramref name="files"/> under the artifact path.</summary>
    public void AddVersion(string model, int version, string artifactPath, IReadOnlyDictionary<string, byte[]> files, string runId = "", string status = "READY")
    {
        _versions[Key(model, version)] = ($"mlflow-artifacts:/{artifactPath}", runId, status);
        foreach (var (name, bytes) in files)
        {
            _files[$"{artifactPath}/{name}"] = bytes;
        }
    }

    public void SetAlias(string model, string alias, int version) => _aliases[$"{model}@{alias}"] = version.ToString(CultureInfo.InvariantCulture);

    public void DeleteAlias(string model, string alias) => _aliases.TryRemove($"{model}@{alias}", out _);

    /// <summary>Stops answering: the port closes, as when the tracking server goes away.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static string Key(string model, int version) => $"{model}/{version.ToString(CultureInfo.InvariantCulture)}";

    private void Map()
    {
        _app.Use(async (context, next) =>
        {
            _requests.Enqueue(context.Request.Path + context.Request.QueryString);
            if (Answer is { } answer && await answer(context).ConfigureAwait(false))
            {
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        _app.MapGet("/api/2.0/mlflow/registered-models/alias", (string name, string alias) =>
            _aliases.TryGetValue($"{name}@{alias}", out var version)
                ? Results.Json(new { model_version = VersionJson(name, version, alias) })
                : Error(400, "INVALID_PARAMETER_VALUE", $"Registered model alias {alias} not found."));
        _app.MapGet("/api/2.0/mlflow/model-versions/get", (string name, string version) =>
            _versions.ContainsKey($"{name}/{version}")
                ? Results.Json(new { model_version = VersionJson(name, version, null) })
                : Error(404, "RESOURCE_DOES_NOT_EXIST", $"Model Version (name={name}, version={version}) not found"));
        _app.MapGet("/api/2.0/mlflow/model-versions/get-download-uri", (string name, string version) =>
            _versions.TryGetValue($"{name}/{version}", out var v)
                ? Results.Json(new { artifact_uri = v.Source })
                : Error(404, "RESOURCE_DOES_NOT_EXIST", $"Model Version (name={name}, version={version}) not found"));
        _app.MapGet("/api/2.0/mlflow-artifacts/artifacts", (string path) => Results.Json(new { files = List(path) }));
        _app.MapGet("/api/2.0/mlflow-artifacts/artifacts/{**path}", (string path) =>
            _files.TryGetValue(path, out var bytes)
                ? Results.File(bytes, "application/octet-stream", Path.GetFileName(path))
                : Error(404, "RESOURCE_DOES_NOT_EXIST", $"File {path} not found"));
    }

    private object VersionJson(string name, string version, string? alias)
    {
        var v = _versions[$"{name}/{version}"];
        var aliases = _aliases.Where(a => a.Key.StartsWith(name + "@", StringComparison.Ordinal) && a.Value == version).Select(a => a.Key[(name.Length + 1)..]).ToList();
        return new
        {
            name,
            version,
            creation_timestamp = 1795697546539L,
            last_updated_timestamp = 1795697546539L,
            current_stage = "None",
            description = string.Empty,
            source = v.Source,
            run_id = v.RunId,
            status = v.Status,
            run_link = string.Empty,
            aliases = alias is null ? aliases : [.. aliases.Union([alias])],
        };
    }

    /// <summary>The direct children of an artifact folder, named relative to it (as MLflow lists them).</summary>
    private List<object> List(string path)
    {
        var prefix = path.TrimEnd('/') + "/";
        var entries = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (file, bytes) in _files.Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var rest = file[prefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            entries[slash < 0 ? rest : rest[..slash]] = slash < 0
                ? new { path = rest, is_dir = false, file_size = bytes.LongLength }
                : new { path = rest[..slash], is_dir = true };
        }

        return [.. entries.Values];
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { error_code = code, message }, statusCode: status);
}
