using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Retraining.Mlflow;

/// <summary>
/// Makes each retraining an MLflow run when a tracking URI is set: the run with the trigger's tags at the start, the
/// job's params, the gate's figures and the candidate (an ONNX model with its <c>MLmodel</c>) after evaluation, the
/// final status, verdict and a summary at the end; for a model that follows an MLflow registry, the new version is
/// registered from the run and gets the challenger alias. Tracking failures are logged, counted and shown on the
/// run (<c>tracking: failed: ...</c>); they fail the retraining only for a model that follows MLflow, whose
/// publishing is the registration.
/// </summary>
public sealed class MlflowRunTracker(MlflowTrackingConfig? config, MlflowTrackingClient? client, TimeProvider time, ILogger<MlflowRunTracker> logger)
{
    private long _failures;

    /// <summary>Tracking failures since the retrainer started.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The registered model <paramref name="model"/> follows, or null (its versions are published into the registry folder).</summary>
    public string? RegisteredModelOf(string model) => client is null ? null : config?.RegisteredModelOf(model);

    /// <summary>Creates the run (and the experiment when missing); null when tracking is off or failed.</summary>
    public async Task<MlflowTrackedRun?> BeginAsync(RetrainRun run, CancellationToken cancellationToken)
    {
        if (client is null || config is null)
        {
            return null;
        }

        try
        {
            var experimentId = await client.ExperimentIdAsync(config.Experiment, cancellationToken).ConfigureAwait(false);
            var tags = new Dictionary<string, string>
            {
                ["serving.model"] = run.Trigger.Model,
                ["serving.retrainer_run"] = run.Id,
                ["serving.event_type"] = run.Trigger.EventType,
                ["mlflow.source.name"] = "serving retrainer",
                ["mlflow.source.type"] = "JOB",
                ["mlflow.user"] = "serving-retrainer",
            };
            if (run.Trigger.EventId is { } eventId)
            {
                tags["serving.event_id"] = eventId;
            }

            var (runId, artifactUri) = await client.CreateRunAsync(experimentId, $"{run.Trigger.Model}-{run.Id}", run.Started, tags, cancellationToken).ConfigureAwait(false);
            var tracked = new MlflowTrackedRun(experimentId, runId, artifactUri, MlflowTrackingClient.RunUrl(client.Server, experimentId, runId));
            run.Tracked($"mlflow run {runId}: {tracked.RunUrl}");
            run.Log($"tracking: MLflow run {runId} in experiment {config.Experiment} ({tracked.RunUrl})");
            MlflowTrackingLog.Tracked(logger, run.Id, run.Trigger.Model, runId, tracked.RunUrl);
            return tracked;
        }
        catch (Exception ex) when (IsTrackingFailure(ex, cancellationToken))
        {
            Failed(run, null, ex);
            return null;
        }
    }

    /// <summary>
    /// Logs the job's params, the data's and the gate's figures, and uploads the candidate as the run's <c>model</c>
    /// artifact; answers the MLflow lineage the published version records (null without a tracked run).
    /// </summary>
    public async Task<MlflowLineage?> LogCandidateAsync(MlflowTrackedRun? tracked, RetrainRun run, RetrainJob job, TrainingSet data, string candidateDirectory, EvaluationLineage evaluation, CancellationToken cancellationToken)
    {
        if (tracked is null || tracked.Failure is not null || client is null)
        {
            return null;
        }

        try
        {
            var now = time.GetUtcNow();
            var parameters = new Dictionary<string, string>
            {
                ["job.kind"] = job.Kind,
                ["job.label"] = job.Label,
                ["gate.metric"] = evaluation.Metric,
                ["gate.margin"] = evaluation.Margin.ToString(CultureInfo.InvariantCulture),
                ["data.original_rows"] = data.OriginalRows.ToString(CultureInfo.InvariantCulture),
                ["data.logged_rows"] = data.LoggedRows.ToString(CultureInfo.InvariantCulture),
                ["data.train_rows"] = data.TrainRows.ToString(CultureInfo.InvariantCulture),
                ["data.held_out_rows"] = data.HeldOutRows.ToString(CultureInfo.InvariantCulture),
                ["data.split"] = data.Split,
                ["data.training_file"] = Path.GetFileName(job.TrainingData ?? string.Empty),
            };
            if (job.Sample is { } sample)
            {
                parameters["job.sample"] = sample;
                parameters["job.recipe"] = job.Recipe?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
            }

            // Step 0 is the candidate as trained; the gate's figures are logged once each, for both versions.
            var metrics = evaluation.Candidate.Select(f => new MlflowMetric($"candidate.{f.Key}", f.Value, 0, now))
                .Concat((evaluation.Stable ?? new Dictionary<string, double>()).Select(f => new MlflowMetric($"stable.{f.Key}", f.Value, 0, now)))
                .Concat([new MlflowMetric("data.rows", data.OriginalRows + data.LoggedRows, 0, now)])
                .Where(m => double.IsFinite(m.Value))
                .ToList();
            var manifest = ManifestSerializer.Read(candidateDirectory);
            var tags = new Dictionary<string, string> { ["serving.data_sha256"] = data.Sha256, ["serving.verdict"] = evaluation.Verdict };
            if (manifest.Format == ModelFormats.Onnx)
            {
                tracked.ModelUuid = Guid.NewGuid().ToString("N");
                tags["mlflow.log-model.history"] = MlflowModelFile.HistoryTag(tracked.RunId, tracked.ModelUuid, now);
            }

            // Servers before MLflow 2.10 take param values of at most 500 characters (the split's text can be longer).
            await client.LogBatchAsync(tracked.RunId, parameters.ToDictionary(p => p.Key, p => Truncated(p.Value, 500)), metrics, tags, cancellationToken).ConfigureAwait(false);
            await UploadModelAsync(tracked, manifest, candidateDirectory, now, cancellationToken).ConfigureAwait(false);
            run.Log($"tracking: logged {parameters.Count} params, {metrics.Count} metrics and the model at {tracked.ModelUri}");
            return new MlflowLineage
            {
                RunId = tracked.RunId,
                ExperimentId = tracked.ExperimentId,
                TrackingUri = client.Server.GetLeftPart(UriPartial.Path).TrimEnd('/'),
                RunUrl = tracked.RunUrl,
                ArtifactUri = tracked.ModelUri,
                ModelUuid = tracked.ModelUuid,
            };
        }
        catch (Exception ex) when (IsTrackingFailure(ex, cancellationToken))
        {
            Failed(run, tracked, ex);
            return null;
        }
    }

    /// <summary>
    /// Publishing for a model that follows MLflow: registers the run's model as a new version of the registered
    /// model and points the challenger alias at it (the gateway's MLflow source then canaries it). Answers the
    /// version number; throws <see cref="RetrainException"/> when it cannot.
    /// </summary>
    public async Task<int> RegisterAsync(MlflowTrackedRun? tracked, RetrainRun run, CancellationToken cancellationToken)
    {
        var model = run.Trigger.Model;
        var registered = RegisteredModelOf(model) ?? throw new InvalidOperationException($"{model} does not follow MLflow");
        if (tracked?.ModelUri is null || tracked.Failure is not null || tracked.ModelUuid is null)
        {
            throw new RetrainException(tracked?.ModelUuid is null && tracked?.Failure is null && tracked is not null
                ? $"{model} follows MLflow registered model '{registered}', which serves ONNX models; this job's candidate is not ONNX"
                : $"{model} follows MLflow registered model '{registered}' and the new version could not be logged to MLflow: {tracked?.Failure ?? run.View(false).Tracking ?? "tracking is off"}");
        }

        try
        {
            await client!.EnsureRegisteredModelAsync(registered, cancellationToken).ConfigureAwait(false);
            var version = await client.CreateModelVersionAsync(registered, tracked.ModelUri, tracked.RunId, cancellationToken).ConfigureAwait(false);
            await client.SetAliasAsync(registered, config!.ChallengerAlias, version, cancellationToken).ConfigureAwait(false);
            run.Log($"tracking: registered {registered} version {version} from {tracked.ModelUri}; alias {config.ChallengerAlias} points at it");
            MlflowTrackingLog.Registered(logger, model, registered, version, tracked.RunId, config.ChallengerAlias);
            return int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new RetrainException($"MLflow numbered the new version '{version}', not a whole number");
        }
        catch (Exception ex) when (IsTrackingFailure(ex, cancellationToken))
        {
            Failed(run, tracked, ex);
            throw new RetrainException($"registering {model} in MLflow failed: {ex.Message}");
        }
    }

    /// <summary>
    /// Ends the run in MLflow as the retraining ended: FINISHED (published or refused by the gate, the verdict says
    /// which) or FAILED, with the outcome as a tag and a one-paragraph summary as the run's note. Never throws.
    /// </summary>
    public async Task FinishAsync(MlflowTrackedRun? tracked, RetrainRun run)
    {
        if (tracked is null || client is null)
        {
            return;
        }

        var view = run.View(withLog: false);
        var failed = view.Stage != RunStages.Done && view.Stage != RunStages.Refused;
        // The retrainer may be stopping: the last calls get their own time limit rather than the run's token.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds((config?.RequestTimeoutSeconds ?? 30) * 2));
        try
        {
            if (tracked.Failure is null)
            {
                var tags = new Dictionary<string, string>
                {
                    ["serving.outcome"] = view.Stage,
                    ["mlflow.note.content"] = Summary(view, tracked),
                };
                if (view.ParentVersion is { } parent)
                {
                    tags["serving.parent_version"] = parent.ToString(CultureInfo.InvariantCulture);
                }

                if (view.Version is { } version)
                {
                    tags["serving.version"] = version.ToString(CultureInfo.InvariantCulture);
                }

                if (failed && view.Message is { } reason)
                {
                    tags["serving.failure"] = Truncated(reason, 5000);
                }

                await client.LogBatchAsync(tracked.RunId, new Dictionary<string, string>(), [], tags, limit.Token).ConfigureAwait(false);
            }

            await client.UpdateRunAsync(tracked.RunId, failed ? "FAILED" : "FINISHED", time.GetUtcNow(), limit.Token).ConfigureAwait(false);
            if (tracked.Failure is null)
            {
                run.Tracked($"mlflow run {tracked.RunId} {(failed ? "FAILED" : "FINISHED")}: {tracked.RunUrl}");
            }
        }
        catch (Exception ex) when (IsTrackingFailure(ex, limit.Token) || ex is OperationCanceledException)
        {
            Failed(run, tracked, ex, finishing: true);
        }
    }

    /// <summary>
    /// A <c>rollout.promoted</c> from the gateway: when the model follows MLflow, the champion alias is moved to the
    /// promoted version in the background (the webhook is answered at once) and a line saying so is answered; null
    /// when the model does not follow MLflow. The gateway numbers a followed model's versions as MLflow does.
    /// </summary>
    public string? Promoted(System.Text.Json.Nodes.JsonObject? data)
    {
        var model = data?["model"] is System.Text.Json.Nodes.JsonValue m && m.TryGetValue<string>(out var name) ? name : null;
        var version = data?["version"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<int>(out var number) ? number : (int?)null;
        if (model is null || version is null || RegisteredModelOf(model) is not { } registered)
        {
            return null;
        }

        var text = version.Value.ToString(CultureInfo.InvariantCulture);
        LastPromotion = Task.Run(() => MoveChampionAsync(model, registered, text));
        return $"moving {registered}@{config!.ChampionAlias} to version {text}";
    }

    /// <summary>The latest champion move (tests wait on it).</summary>
    public Task LastPromotion { get; private set; } = Task.CompletedTask;

    private async Task MoveChampionAsync(string model, string registered, string version)
    {
        try
        {
            await client!.SetAliasAsync(registered, config!.ChampionAlias, version, CancellationToken.None).ConfigureAwait(false);
            MlflowTrackingLog.ChampionMoved(logger, model, version, config.ChampionAlias, registered);
        }
        catch (Exception ex) when (IsTrackingFailure(ex, CancellationToken.None))
        {
            Interlocked.Increment(ref _failures);
            MlflowTrackingLog.ChampionFailed(logger, model, version, config!.ChampionAlias, registered, ex.Message);
        }
    }

    /// <summary>Whether an exception is the tracking server's (answer, transport, time limit), not the run being stopped.</summary>
    private static bool IsTrackingFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is MlflowTrackingException or HttpRequestException or IOException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private void Failed(RetrainRun run, MlflowTrackedRun? tracked, Exception ex, bool finishing = false)
    {
        var reason = ex is OperationCanceledException ? $"the tracking server did not answer in time ({ex.Message})" : ex.Message;
        var failures = Interlocked.Increment(ref _failures);
        if (tracked is not null)
        {
            tracked.Failure ??= reason;
        }

        run.Tracked($"failed: {reason}");
        run.Log($"tracking failed: {reason}");
        var registered = RegisteredModelOf(run.Trigger.Model);
        if (registered is not null && !finishing)
        {
            MlflowTrackingLog.FollowerTrackingFailed(logger, run.Id, run.Trigger.Model, failures, reason, registered);
            throw new RetrainException($"{run.Trigger.Model} follows MLflow registered model '{registered}' and publishing needs the tracking server: {reason}");
        }

        MlflowTrackingLog.TrackingFailed(logger, run.Id, run.Trigger.Model, failures, reason);
    }

    private async Task UploadModelAsync(MlflowTrackedRun tracked, ModelManifest manifest, string candidateDirectory, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var artifact = manifest.Artifacts.Keys.Single();
        var model = MlflowModelFile.ArtifactPath;
        if (manifest.Format == ModelFormats.Onnx)
        {
            // model.onnx first: an MLmodel that names a file not yet there would be a broken model for a reader in between.
            await client!.UploadArtifactAsync(tracked.ArtifactUri, $"{model}/{MlflowModelFile.OnnxFile}", await File.ReadAllBytesAsync(Path.Combine(candidateDirectory, artifact), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            var file = MlflowModelFile.Write(manifest.Signature, tracked.RunId, tracked.ModelUuid!, now);
            await client.UploadArtifactAsync(tracked.ArtifactUri, $"{model}/{MlflowModelFile.FileName}", Encoding.UTF8.GetBytes(file), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Not ONNX (an ML.NET zip): kept with the run as a plain file; no MLflow flavor reads it.
            await client!.UploadArtifactAsync(tracked.ArtifactUri, $"{model}/{artifact}", await File.ReadAllBytesAsync(Path.Combine(candidateDirectory, artifact), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        await client.UploadArtifactAsync(tracked.ArtifactUri, $"{model}/{ManifestSerializer.FileName}", await File.ReadAllBytesAsync(Path.Combine(candidateDirectory, ManifestSerializer.FileName), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        tracked.ModelUri = $"{tracked.ArtifactUri.TrimEnd('/')}/{model}";
    }

    private static string Summary(RunView view, MlflowTrackedRun tracked)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Retraining run {view.Id} of {view.Model}, started by {view.EventType}{(view.EventId is null ? string.Empty : " " + view.EventId)}");
        text.Append(CultureInfo.InvariantCulture, $", from stable version {view.ParentVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}.");
        if (view.Evaluation is { } e)
        {
            var metric = e.Metric;
            text.Append(CultureInfo.InvariantCulture, $" On {e.HeldOutRows} held-out rows ({e.Split}) the candidate's {metric} was {e.Candidate.GetValueOrDefault(metric):F4}");
            text.Append(e.Stable is { } s ? string.Create(CultureInfo.InvariantCulture, $" against the stable version's {s.GetValueOrDefault(metric):F4} (margin {e.Margin})") : " with no stable version to compare");
            text.Append(CultureInfo.InvariantCulture, $"; verdict {e.Verdict}.");
        }

        if (view.DataSha256 is { } sha)
        {
            text.Append(CultureInfo.InvariantCulture, $" Training data sha256 {sha}.");
        }

        text.Append(view.Stage switch
        {
            RunStages.Done => string.Create(CultureInfo.InvariantCulture, $" Outcome: published as version {view.Version}."),
            RunStages.Refused => " Outcome: refused by the gate; nothing was published.",
            _ => $" Outcome: failed: {view.Message}.",
        });
        if (tracked.Failure is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" Tracking failed part-way: {tracked.Failure}.");
        }

        return Truncated(text.ToString(), 5000);
    }

    private static string Truncated(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
