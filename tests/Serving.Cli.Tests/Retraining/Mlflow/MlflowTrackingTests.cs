using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Serving.Cli.Retraining;
using Serving.Cli.Retraining.Mlflow;
using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Packaging.Mlflow;

namespace Serving.Cli.Tests.Retraining.Mlflow;

/// <summary>
/// The retrainer with a tracking URI, against <see cref="FakeMlflow"/> (answers recorded from MLflow 2.12): each run is
/// an MLflow run with its tags, params, metrics, model artifacts and final status; MLflow being down leaves the
/// retraining to publish anyway unless the model follows MLflow; a model that follows MLflow is registered there
/// with the challenger alias instead of being published into the registry folder.
/// </summary>
public sealed class MlflowTrackingTests
{
    private static readonly JsonObject Builtin = new() { [RetrainerTestBed.Model] = new JsonObject { ["kind"] = "builtin" } };

    [Fact]
    public async Task A_published_run_is_an_mlflow_run_with_tags_params_metrics_the_onnx_model_and_status_finished()
    {
        await using var mlflow = await FakeMlflow.StartAsync();
        await using var bed = await RetrainerTestBed.StartAsync(Jobs(), mlflow: Config(mlflow.Url));
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 3));

        var (_, answer) = await bed.PostWebhookAsync("evt-drift-mlflow", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.True(run.Stage == RunStages.Done, $"{run.Stage}: {run.Message}\n{string.Join('\n', run.Log ?? [])}");
        var tracked = mlflow.Run();
        Assert.Equal("FINISHED", tracked.Status);
        Assert.Equal("1", tracked.ExperimentId);
        // The experiment did not exist: looked up (404 RESOURCE_DOES_NOT_EXIST), then created.
        Assert.Equal(["mlflow/experiments/get-by-name", "mlflow/experiments/create", "mlflow/runs/create"], mlflow.Requests.Take(3).Select(r => r.Path));
        Assert.Equal(RetrainerTestBed.Model, tracked.Tags["serving.model"]);
        Assert.Equal("evt-drift-mlflow", tracked.Tags["serving.event_id"]);
        Assert.Equal("drift.detected", tracked.Tags["serving.event_type"]);
        Assert.Equal("1", tracked.Tags["serving.parent_version"]);
        Assert.Equal(run.DataSha256, tracked.Tags["serving.data_sha256"]);
        Assert.Equal("passed", tracked.Tags["serving.verdict"]);
        Assert.Equal("3", tracked.Tags["serving.version"]);
        Assert.Contains("published as version 3", tracked.Tags["mlflow.note.content"], StringComparison.Ordinal);
        Assert.Contains("evt-drift-mlflow", tracked.Tags["mlflow.note.content"], StringComparison.Ordinal);
        Assert.Equal("builtin", tracked.Params["job.kind"]);
        Assert.Equal("accuracy", tracked.Params["gate.metric"]);
        Assert.Equal("569", tracked.Params["data.logged_rows"]);
        var accuracy = Assert.Single(tracked.Metrics, m => m.Key == "candidate.accuracy");
        Assert.Equal(0, accuracy.Step);
        Assert.Equal(run.Evaluation!.Candidate["accuracy"], accuracy.Value, 1e-12);
        Assert.Equal(run.Evaluation.Stable!["accuracy"], Assert.Single(tracked.Metrics, m => m.Key == "stable.accuracy").Value, 1e-12);

        // The artifacts went through the proxy under the run's artifact URI, and form an MLflow ONNX model folder.
        var prefix = $"1/{tracked.Id}/artifacts/model/";
        Assert.Equal([prefix + "MLmodel", prefix + "model.json", prefix + "model.onnx"], mlflow.Artifacts.Keys.Order(StringComparer.Ordinal));
        using var folder = new TemporaryDirectory();
        File.WriteAllBytes(folder.Combine("MLmodel"), mlflow.Artifacts[prefix + "MLmodel"]);
        File.WriteAllBytes(folder.Combine("model.onnx"), mlflow.Artifacts[prefix + "model.onnx"]);
        var logged = MlflowModelReader.ReadFolder(folder.Path);
        Assert.Equal(tracked.Id, logged.RunId);
        var version = Path.Combine(bed.Registry, RetrainerTestBed.Model, "3");
        Assert.Equal(File.ReadAllBytes(Path.Combine(version, "model.onnx")), mlflow.Artifacts[prefix + "model.onnx"]);
        var mlmodel = Encoding.UTF8.GetString(mlflow.Artifacts[prefix + "MLmodel"]);
        Assert.Contains("  onnx:\n", mlmodel, StringComparison.Ordinal);
        Assert.Contains("    data: model.onnx\n", mlmodel, StringComparison.Ordinal);
        Assert.Contains("\"tensor-spec\":{\"dtype\":\"float32\",\"shape\":[-1,30]}", mlmodel, StringComparison.Ordinal);

        var lineage = ManifestSerializer.Read(version).Lineage!.Mlflow!;
        Assert.Equal(tracked.Id, lineage.RunId);
        Assert.Equal("1", lineage.ExperimentId);
        Assert.Equal(mlflow.Url.ToString().TrimEnd('/'), lineage.TrackingUri);
        Assert.Equal($"{mlflow.Url.ToString().TrimEnd('/')}/#/experiments/1/runs/{tracked.Id}", lineage.RunUrl);
        Assert.Equal($"mlflow-artifacts:/1/{tracked.Id}/artifacts/model", lineage.ArtifactUri);
        Assert.Equal(logged.ModelUuid, lineage.ModelUuid);
        Assert.Equal($"mlflow run {tracked.Id} FINISHED: {lineage.RunUrl}", run.Tracking);
        Assert.Empty(mlflow.Versions);
    }

    [Fact]
    public async Task A_failed_run_finishes_failed_in_mlflow_with_the_reason()
    {
        var jobs = new JsonObject
        {
            [RetrainerTestBed.Model] = new JsonObject { ["kind"] = "command", ["trainingData"] = RetrainerTestBed.TrainingData, ["command"] = "echo no model here; exit 3" },
        };
        await using var mlflow = await FakeMlflow.StartAsync();
        await using var bed = await RetrainerTestBed.StartAsync(jobs, mlflow: Config(mlflow.Url));
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 1));

        var (_, answer) = await bed.PostWebhookAsync("evt-drift-fails", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.Equal(RunStages.Failed, run.Stage);
        var tracked = mlflow.Run();
        Assert.Equal("FAILED", tracked.Status);
        Assert.Equal(run.Message, tracked.Tags["serving.failure"]);
        Assert.Equal("failed", tracked.Tags["serving.outcome"]);
        Assert.Contains($"failed: {run.Message}", tracked.Tags["mlflow.note.content"], StringComparison.Ordinal);
        Assert.Empty(mlflow.Artifacts);
        Assert.StartsWith($"mlflow run {tracked.Id} FAILED", run.Tracking, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_mlflow_down_the_retraining_still_publishes_and_the_run_says_tracking_failed()
    {
        await using var bed = await RetrainerTestBed.StartAsync(Jobs(), mlflow: Config(ClosedPort()));
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 3));

        var (_, answer) = await bed.PostWebhookAsync("evt-drift-down", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.True(run.Stage == RunStages.Done, $"{run.Stage}: {run.Message}\n{string.Join('\n', run.Log ?? [])}");
        Assert.Equal(3, run.Version);
        Assert.StartsWith("failed: experiments/get-by-name: cannot reach the tracking server", run.Tracking, StringComparison.Ordinal);
        Assert.Contains(run.Log!, l => l.StartsWith("tracking failed: ", StringComparison.Ordinal));
        Assert.Null(ManifestSerializer.Read(Path.Combine(bed.Registry, RetrainerTestBed.Model, "3")).Lineage!.Mlflow);
        var health = JsonNode.Parse(await bed.Http.GetStringAsync($"{bed.Url}/healthz", TestContext.Current.CancellationToken))!;
        Assert.Equal(1, (long)health["mlflowTrackingFailures"]!);
    }

    [Fact]
    public async Task A_model_that_follows_mlflow_is_registered_from_the_run_with_the_challenger_alias_instead_of_published_locally()
    {
        await using var mlflow = await FakeMlflow.StartAsync();
        var config = Config(mlflow.Url) with { RegisteredModels = new() { [RetrainerTestBed.Model] = "bc-registered" } };
        await using var bed = await RetrainerTestBed.StartAsync(Jobs(), mlflow: config);
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 3));

        var (_, answer) = await bed.PostWebhookAsync("evt-drift-follow", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.True(run.Stage == RunStages.Done, $"{run.Stage}: {run.Message}\n{string.Join('\n', run.Log ?? [])}");
        var tracked = mlflow.Run();
        var registered = Assert.Single(mlflow.Versions);
        Assert.Equal(("bc-registered", "1", $"mlflow-artifacts:/1/{tracked.Id}/artifacts/model", tracked.Id), registered);
        Assert.Equal("1", mlflow.Aliases["bc-registered@challenger"]);
        Assert.False(mlflow.Aliases.ContainsKey("bc-registered@champion"));
        Assert.Equal(1, run.Version);
        Assert.Equal("FINISHED", tracked.Status);
        Assert.False(Directory.Exists(Path.Combine(bed.Registry, RetrainerTestBed.Model, "3")), "a followed model's version comes from MLflow, not the registry folder");
        var (_, report) = Assert.Single(bed.Gateway.Events);
        Assert.Equal("version.published", report["type"]!.ToString());
    }

    [Fact]
    public async Task A_gateway_promotion_of_a_followed_model_moves_the_champion_alias_and_other_models_are_ignored()
    {
        await using var mlflow = await FakeMlflow.StartAsync();
        var config = Config(mlflow.Url) with { RegisteredModels = new() { [RetrainerTestBed.Model] = "bc-registered" } };
        await using var bed = await RetrainerTestBed.StartAsync(Jobs(), mlflow: config);

        var (status, answer) = await bed.PostWebhookAsync("evt-promoted", Promoted(RetrainerTestBed.Model, 4));
        var (otherStatus, other) = await bed.PostWebhookAsync("evt-promoted-other", Promoted("iris", 2));
        for (var i = 0; i < 200 && !mlflow.Aliases.ContainsKey("bc-registered@champion"); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(202, status);
        Assert.Equal("moving bc-registered@champion to version 4", answer["champion"]!.ToString());
        Assert.Equal("4", mlflow.Aliases["bc-registered@champion"]);
        Assert.Equal(200, otherStatus);
        Assert.NotNull(other["ignored"]);
        Assert.Single(mlflow.Aliases);
    }

    [Fact]
    public async Task A_model_that_follows_mlflow_fails_its_run_when_mlflow_is_down()
    {
        var config = Config(ClosedPort()) with { RegisteredModels = new() { [RetrainerTestBed.Model] = "bc-registered" } };
        await using var bed = await RetrainerTestBed.StartAsync(Jobs(), mlflow: config);
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 3));

        var (_, answer) = await bed.PostWebhookAsync("evt-drift-follow-down", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.Equal(RunStages.Failed, run.Stage);
        Assert.Contains("follows MLflow registered model 'bc-registered' and publishing needs the tracking server", run.Message, StringComparison.Ordinal);
        Assert.StartsWith("failed: ", run.Tracking, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(bed.Registry, RetrainerTestBed.Model, "3")));
    }

    [Fact]
    public async Task Package_run_id_is_looked_up_and_recorded_with_its_experiment_and_page()
    {
        await using var mlflow = await FakeMlflow.StartAsync();
        var run = new FakeRun("0123456789abcdef0123456789abcdef", "7", "by-hand");
        mlflow.Runs[run.Id] = run;

        var lineage = await MlflowRunReference.ResolveAsync(null, run.Id, mlflow.Url.ToString(), TestContext.Current.CancellationToken);
        var missing = await Assert.ThrowsAsync<PackagingException>(() => MlflowRunReference.ResolveAsync(null, "ffffffffffffffffffffffffffffffff", mlflow.Url.ToString(), TestContext.Current.CancellationToken));
        var offline = await MlflowRunReference.ResolveAsync(null, run.Id, null, TestContext.Current.CancellationToken);

        Assert.Equal(run.Id, lineage.RunId);
        Assert.Equal("7", lineage.ExperimentId);
        Assert.Equal($"{mlflow.Url.ToString().TrimEnd('/')}/#/experiments/7/runs/{run.Id}", lineage.RunUrl);
        Assert.Equal($"mlflow-artifacts:/7/{run.Id}/artifacts", lineage.ArtifactUri);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", missing.Message, StringComparison.Ordinal);
        Assert.Equal(new MlflowLineage { RunId = run.Id }, offline);
    }

    [Fact]
    public void Registered_models_without_a_tracking_uri_or_naming_no_job_are_refused_at_start()
    {
        var noUri = new MlflowTrackingConfig { RegisteredModels = new() { ["breast-cancer"] = "bc" } }.MissingTrackingUri;
        var noJob = new MlflowTrackingConfig { TrackingUri = "http://mlflow:5000", RegisteredModels = new() { ["iris"] = "iris" } }.Problems(["breast-cancer"]).ToList();
        var badUri = new MlflowTrackingConfig { TrackingUri = "ftp://mlflow" }.Problems([]).ToList();

        Assert.StartsWith("mlflow.registeredModels is set but mlflow.trackingUri is not", noUri, StringComparison.Ordinal);
        Assert.Null(new MlflowTrackingConfig { TrackingUri = "http://mlflow:5000", RegisteredModels = new() { ["breast-cancer"] = "bc" } }.MissingTrackingUri);
        Assert.Contains(noJob, p => p.Contains("names 'iris', which has no job", StringComparison.Ordinal));
        Assert.Contains(badUri, p => p.StartsWith("mlflow.trackingUri is 'ftp://mlflow'", StringComparison.Ordinal));
        Assert.Empty(new MlflowTrackingConfig { TrackingUri = "http://mlflow:5000" }.Problems(["breast-cancer"]));
    }

    private static byte[] Promoted(string model, int version) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["type"] = "rollout.promoted",
        ["timestamp"] = RetrainerTestBed.Now.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["data"] = new JsonObject { ["model"] = model, ["version"] = version, ["stableVersion"] = version - 1, ["outcome"] = "promoted" },
    }.ToJsonString());

    private static JsonObject Jobs() => (JsonObject)Builtin.DeepClone();

    private static MlflowTrackingConfig Config(Uri server) => new() { TrackingUri = server.ToString(), Retries = 1, RetryDelaySeconds = 0.05, RequestTimeoutSeconds = 10 };

    // A port nothing listens on: bound, read, released.
    private static Uri ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return new Uri($"http://127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}/");
    }
}
