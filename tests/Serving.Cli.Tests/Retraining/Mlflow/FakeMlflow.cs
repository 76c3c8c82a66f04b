using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Serving.Cli.Tests.Retraining.Mlflow;

/// <summary>
/// A tracking server on real Kestrel (127.0.0.1, a free port) that answers the REST calls the retrainer makes with the
/// shapes a real MLflow 2.12 <c>mlflow server</c> answered (recorded in <c>Recorded/</c>, see its transcript.txt),
/// ids and names put in. It keeps experiments, runs (params, metrics, tags, status), uploaded artifacts, registered
/// versions and aliases, and every request, for the test to check.
/// </summary>
internal sealed class FakeMlflow : IAsyncDisposable
{
    private static readonly string RecordedDirectory = Path.Combine(Repository.Root, "tests", "Serving.Cli.Tests", "Retraining", "Mlflow", "Recorded");

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _experiments = new(StringComparer.Ordinal);
    private readonly HashSet<string> _registered = new(StringComparer.Ordinal);

    private FakeMlflow(WebApplication app) => _app = app;

    public Uri Url => new(_app.Urls.First() + "/");

    public ConcurrentQueue<(string Method, string Path, JsonObject? Body)> Requests { get; } = new();

    public ConcurrentDictionary<string, FakeRun> Runs { get; } = new(StringComparer.Ordinal);

    /// <summary>Uploaded files by path under <c>mlflow-artifacts/artifacts/</c>.</summary>
    public ConcurrentDictionary<string, byte[]> Artifacts { get; } = new(StringComparer.Ordinal);

    /// <summary>Registered versions: (model, version, source, run id).</summary>
    public ConcurrentQueue<(string Name, string Version, string Source, string RunId)> Versions { get; } = new();

    /// <summary>Aliases by "model@alias".</summary>
    public ConcurrentDictionary<string, string> Aliases { get; } = new(StringComparer.Ordinal);

    public static JsonObject Recorded(string name) => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(RecordedDirectory, name + ".json")))!;

    public static async Task<FakeMlflow> StartAsync()
    {
        var app = LoopbackApp.Create();
        var fake = new FakeMlflow(app);
        app.Map("/api/2.0/{**rest}", fake.AnswerAsync);
        await app.StartAsync();
        return fake;
    }

    public FakeRun Run() => Assert.Single(Runs.Values);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> AnswerAsync(HttpContext context, string rest)
    {
        var method = context.Request.Method;
        if (rest.StartsWith("mlflow-artifacts/artifacts/", StringComparison.Ordinal) && method == "PUT")
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var path = Uri.UnescapeDataString(rest["mlflow-artifacts/artifacts/".Length..]);
            Requests.Enqueue((method, rest, null));
            Artifacts[path] = buffer.ToArray();
            return Results.Json(Recorded("artifacts-put"));
        }

        JsonObject? body = null;
        if (method == "POST")
        {
            body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
        }

        Requests.Enqueue((method, rest, body));
        lock (_lock)
        {
            return rest switch
            {
                "mlflow/experiments/get-by-name" => GetExperiment(context.Request.Query["experiment_name"].ToString()),
                "mlflow/experiments/create" => CreateExperiment(body!["name"]!.ToString()),
                "mlflow/runs/create" => CreateRun(body!),
                "mlflow/runs/log-batch" => LogBatch(body!),
                "mlflow/runs/update" => Update(body!),
                "mlflow/runs/get" => GetRun(context.Request.Query["run_id"].ToString()),
                "mlflow/registered-models/create" => CreateRegisteredModel(body!["name"]!.ToString()),
                "mlflow/model-versions/create" => CreateVersion(body!),
                "mlflow/registered-models/alias" => SetAlias(body!),
                _ => Results.Json(new { error_code = "ENDPOINT_NOT_FOUND", message = $"no {method} {rest} in the fake" }, statusCode: 404),
            };
        }
    }

    private IResult GetExperiment(string name)
    {
        if (!_experiments.TryGetValue(name, out var id))
        {
            var missing = Recorded("get-by-name-missing");
            missing["message"] = $"Could not find experiment with name '{name}'";
            return Results.Json(missing, statusCode: 404);
        }

        var found = Recorded("get-by-name");
        found["experiment"]!["experiment_id"] = id;
        found["experiment"]!["name"] = name;
        found["experiment"]!["artifact_location"] = $"mlflow-artifacts:/{id}";
        return Results.Json(found);
    }

    private IResult CreateExperiment(string name)
    {
        if (_experiments.ContainsKey(name))
        {
            return Results.Json(Recorded("experiments-create-exists"), statusCode: 400);
        }

        var id = (_experiments.Count + 1).ToString(CultureInfo.InvariantCulture);
        _experiments[name] = id;
        var created = Recorded("experiments-create");
        created["experiment_id"] = id;
        return Results.Json(created);
    }

    private IResult CreateRun(JsonObject body)
    {
        var experiment = body["experiment_id"]!.ToString();
        var id = Guid.NewGuid().ToString("N");
        var run = new FakeRun(id, experiment, body["run_name"]?.ToString());
        foreach (var tag in body["tags"]!.AsArray())
        {
            run.Tags[tag!["key"]!.ToString()] = tag["value"]!.ToString();
        }

        Runs[id] = run;
        var answer = Recorded("runs-create");
        var info = answer["run"]!["info"]!;
        info["run_uuid"] = id;
        info["run_id"] = id;
        info["experiment_id"] = experiment;
        info["run_name"] = run.Name;
        info["start_time"] = body["start_time"]!.DeepClone();
        info["artifact_uri"] = $"mlflow-artifacts:/{experiment}/{id}/artifacts";
        answer["run"]!["data"]!["tags"] = new JsonArray([.. run.Tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })]);
        return Results.Json(answer);
    }

    private IResult LogBatch(JsonObject body)
    {
        if (!Runs.TryGetValue(body["run_id"]!.ToString(), out var run))
        {
            return Missing(body["run_id"]!.ToString());
        }

        foreach (var p in body["params"]?.AsArray() ?? [])
        {
            run.Params[p!["key"]!.ToString()] = p["value"]!.ToString();
        }

        foreach (var t in body["tags"]?.AsArray() ?? [])
        {
            run.Tags[t!["key"]!.ToString()] = t["value"]!.ToString();
        }

        foreach (var m in body["metrics"]?.AsArray() ?? [])
        {
            run.Metrics.Add((m!["key"]!.ToString(), (double)m["value"]!, (long)m["step"]!, (long)m["timestamp"]!));
        }

        return Results.Json(Recorded("runs-log-batch"));
    }

    private IResult Update(JsonObject body)
    {
        if (!Runs.TryGetValue(body["run_id"]!.ToString(), out var run))
        {
            return Missing(body["run_id"]!.ToString());
        }

        run.Status = body["status"]!.ToString();
        var answer = Recorded("runs-update");
        var info = answer["run_info"]!;
        info["run_uuid"] = run.Id;
        info["run_id"] = run.Id;
        info["experiment_id"] = run.ExperimentId;
        info["status"] = run.Status;
        info["artifact_uri"] = $"mlflow-artifacts:/{run.ExperimentId}/{run.Id}/artifacts";
        return Results.Json(answer);
    }

    private IResult GetRun(string id)
    {
        if (!Runs.TryGetValue(id, out var run))
        {
            return Missing(id);
        }

        var answer = Recorded("runs-get");
        var info = answer["run"]!["info"]!;
        info["run_uuid"] = id;
        info["run_id"] = id;
        info["experiment_id"] = run.ExperimentId;
        info["artifact_uri"] = $"mlflow-artifacts:/{run.ExperimentId}/{id}/artifacts";
        return Results.Json(answer);
    }

    private IResult CreateRegisteredModel(string name)
    {
        if (!_registered.Add(name))
        {
            return Results.Json(Recorded("registered-models-create-exists"), statusCode: 400);
        }

        var answer = Recorded("registered-models-create");
        answer["registered_model"]!["name"] = name;
        return Results.Json(answer);
    }

    private IResult CreateVersion(JsonObject body)
    {
        var name = body["name"]!.ToString();
        var version = (Versions.Count(v => v.Name == name) + 1).ToString(CultureInfo.InvariantCulture);
        Versions.Enqueue((name, version, body["source"]!.ToString(), body["run_id"]!.ToString()));
        var answer = Recorded("model-versions-create");
        var mv = answer["model_version"]!;
        mv["name"] = name;
        mv["version"] = version;
        mv["source"] = body["source"]!.DeepClone();
        mv["run_id"] = body["run_id"]!.DeepClone();
        return Results.Json(answer);
    }

    private IResult SetAlias(JsonObject body)
    {
        Aliases[$"{body["name"]}@{body["alias"]}"] = body["version"]!.ToString();
        return Results.Json(Recorded("registered-models-alias"));
    }

    private static IResult Missing(string runId)
    {
        var answer = Recorded("runs-update-missing");
        answer["message"] = $"Run with id={runId} not found";
        return Results.Json(answer, statusCode: 404);
    }
}

/// <summary>What the fake holds for one run.</summary>
internal sealed class FakeRun(string id, string experimentId, string? name)
{
    public string Id { get; } = id;

    public string ExperimentId { get; } = experimentId;

    public string? Name { get; } = name;

    public string Status { get; set; } = "RUNNING";

    public ConcurrentDictionary<string, string> Params { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public ConcurrentBag<(string Key, double Value, long Step, long Timestamp)> Metrics { get; } = [];
}
