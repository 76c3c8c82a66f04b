using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serving.Cli.Retraining.Dvc;
using Serving.Cli.Retraining.Mlflow;
using Serving.Core.Contracts;
using Serving.Core.Events;
using Serving.Core.Packaging;
using Serving.Core.Runtimes;

namespace Serving.Cli.Retraining;

/// <summary>
/// One run from start to end: reading-data (stable version, original data plus labelled logged predictions of the
/// window, the split), training (the job), evaluating (both versions scored by the gateway's runtimes on the held-out
/// rows), publishing (version N+1 with its lineage, by rename), then the report to the gateway.
/// </summary>
public sealed class RetrainPipeline(
    RetrainerSettings settings,
    GatewayClient gateway,
    IReadOnlyList<IModelRuntimeFactory> factories,
    TimeProvider time,
    MlflowRunTracker mlflow,
    ILogger<RetrainPipeline> logger)
{
    /// <summary>Lineage value of <see cref="RetrainingLineage.BaselineFrom"/>: the window's logged rows.</summary>
    public const string BaselineFromWindow = "window";

    /// <summary>Lineage value of <see cref="RetrainingLineage.BaselineFrom"/>: the rows the version trained on.</summary>
    public const string BaselineFromTrainingData = "training-data";

    public async Task RunAsync(RetrainRun run, CancellationToken cancellationToken)
    {
        var model = run.Trigger.Model;
        var job = settings.Config.Jobs[model];
        RetrainerLog.RunStarted(logger, run.Id, model, run.Trigger.EventType, run.Trigger.EventId ?? "(by hand)");
        MlflowTrackedRun? tracked = null;
        try
        {
            tracked = await mlflow.BeginAsync(run, cancellationToken).ConfigureAwait(false);
            Enter(run, RunStages.ReadingData, $"registry {settings.Registry}, predictions {settings.PredictionLogs}");
            var (stableVersion, stable) = await StableAsync(model, cancellationToken).ConfigureAwait(false);
            var source = DvcTrainingData.Resolve(job, run);
            var data = ReadData(run, job, stable, stableVersion, source.CsvPath);
            var dataVersion = DvcExport.Write(model, job, run, data, source);

            Enter(run, RunStages.Training, $"{job.Kind} job on {data.TrainRows} rows");
            var context = new JobContext(model, job, run, data, stable, time);
            var candidate = job.Kind == RetrainJob.Builtin
                ? await Task.Run(() => BuiltinTrainer.Train(context), cancellationToken).ConfigureAwait(false)
                : await CommandTrainer.TrainAsync(context, cancellationToken).ConfigureAwait(false);

            Enter(run, RunStages.Evaluating, $"{data.HeldOutRows} held-out rows ({data.Split})");
            var (packaged, baselineFrom) = await PackageAsync(run, candidate, data, cancellationToken).ConfigureAwait(false);
            var evaluation = await EvaluateAsync(model, job, data, packaged, stable, stableVersion, cancellationToken).ConfigureAwait(false);
            run.Judged(stableVersion, evaluation, data.Sha256);
            run.DvcLiveWritten(DvcLive.DvcLiveRecorder.Record(run, job, data, stableVersion, candidate, evaluation));
            run.Log($"candidate {Figures(evaluation.Candidate)}; stable {(evaluation.Stable is null ? "none" : Figures(evaluation.Stable))}; verdict {evaluation.Verdict}");
            var lineage = new RetrainingLineage
            {
                RunId = run.Id,
                ParentVersion = stableVersion,
                EventId = run.Trigger.EventId,
                EventType = run.Trigger.EventType,
                DataSha256 = data.Sha256,
                DataVersion = dataVersion,
                OriginalDataVersion = source.Lineage(data.OriginalRows),
                OriginalRows = data.OriginalRows,
                LoggedRows = data.LoggedRows,
                BaselineFrom = baselineFrom,
                Evaluation = evaluation,
            };
            var mlflowLineage = await mlflow.LogCandidateAsync(tracked, run, job, data, packaged, evaluation, cancellationToken).ConfigureAwait(false);

            if (evaluation.Verdict != "passed")
            {
                var reason = $"the candidate's {evaluation.Metric} {evaluation.Candidate[evaluation.Metric]:F4} is worse than stable version {stableVersion}'s {evaluation.Stable![evaluation.Metric]:F4} by more than the margin {evaluation.Margin}";
                run.Enter(RunStages.Refused, time.GetUtcNow(), reason);
                run.Log($"refused: {reason}");
                RetrainerLog.Refused(logger, run.Id, model, reason);
                await ReportFailedAsync(run, "refused", reason, lineage, cancellationToken).ConfigureAwait(false);
                return;
            }

            Enter(run, RunStages.Publishing, $"into {settings.Registry}");
            // A model that follows MLflow is published by registering it there (the gateway's MLflow source fetches it).
            var version = mlflow.RegisteredModelOf(model) is null
                ? Publish(model, packaged, lineage, mlflowLineage)
                : await mlflow.RegisterAsync(tracked, run, cancellationToken).ConfigureAwait(false);
            run.Published(version);
            var message = $"published {model} version {version}";
            run.Enter(RunStages.Done, time.GetUtcNow(), message);
            run.Log(message);
            var metric = evaluation.Metric;
            RetrainerLog.Published(logger, run.Id, model, version, stableVersion, metric, evaluation.Candidate[metric], evaluation.Stable?[metric]);
            await ReportPublishedAsync(run, version, lineage, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.Enter(RunStages.Failed, time.GetUtcNow(), "the retrainer stopped during the run");
        }
        catch (Exception ex)
        {
            // A run's boundary: whatever the job, the runtimes or the disk threw ends this run as failed and is
            // reported, and the retrainer goes on serving the next trigger.
            run.Enter(RunStages.Failed, time.GetUtcNow(), ex.Message);
            run.Log($"failed: {ex.Message}");
            RetrainerLog.Failed(logger, run.Id, model, ex.Message, ex is RetrainException or PackagingException or ModelLoadException ? null : ex);
            await ReportFailedAsync(run, "failed", ex.Message, null, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await mlflow.FinishAsync(tracked, run).ConfigureAwait(false);
        }
    }

    private void Enter(RetrainRun run, string stage, string detail)
    {
        run.Enter(stage, time.GetUtcNow());
        run.Log($"{stage}: {detail}");
        RetrainerLog.Stage(logger, run.Id, run.Trigger.Model, stage, detail);
    }

    private async Task<(int? Version, ModelManifest? Manifest)> StableAsync(string model, CancellationToken cancellationToken)
    {
        // The gateway's deployment says what serves; without a gateway, the newest version in the registry is taken.
        var version = await gateway.StableVersionAsync(model, cancellationToken).ConfigureAwait(false);
        if (version is null && VersionFolders.Existing(ModelDirectory(model)) is [.., var newest])
        {
            version = newest;
        }

        return version is { } v ? (v, ManifestOf(model, v)) : (null, null);
    }

    private ModelManifest? ManifestOf(string model, int version)
    {
        var directory = Path.Combine(ModelDirectory(model), version.ToString(CultureInfo.InvariantCulture));
        return File.Exists(Path.Combine(directory, ManifestSerializer.FileName)) ? ManifestSerializer.Read(directory) : null;
    }

    private string ModelDirectory(string model) => Path.Combine(settings.Registry, model);

    private TrainingSet ReadData(RetrainRun run, RetrainJob job, ModelManifest? stable, int? stableVersion, string originalCsv)
    {
        var to = run.Trigger.WindowEnd ?? run.Trigger.At;
        var from = run.Trigger.WindowStart ?? to - TimeSpan.FromHours(settings.Config.LookbackHours);
        var manifests = new Dictionary<int, ModelManifest?>();
        var logged = LoggedExamples.Read(settings.PredictionLogs, run.Trigger.Model, from, to, v =>
            manifests.TryGetValue(v, out var m) ? m : manifests[v] = ManifestOf(run.Trigger.Model, v) ?? stable);
        var data = TrainingDataBuilder.Build(originalCsv, job.Label, logged, settings.Config.MinHeldOutRows, run.Directory);
        run.Log($"stable version {stableVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}; window {from:O} to {to:O}; "
            + $"{logged.Labels} labels, {logged.Predictions} labelled predictions ({logged.Rows.Count} rows) in the window, {logged.Skipped} unusable; "
            + $"{data.OriginalRows} original rows + {data.LoggedRows} logged rows = combined.csv sha256 {data.Sha256}; {data.TrainRows} train, {data.HeldOutRows} held out");
        return data.HeldOutRows == 0 ? throw new RetrainException("no held-out rows to judge the candidate on; the training data is too small") : data;
    }

    // Packaged into the run's own folder first: it checks the artifact loads and computes its signature and
    // baselines, and the gate scores exactly what would be published.
    private async Task<(string Directory, string BaselineFrom)> PackageAsync(RetrainRun run, TrainedCandidate candidate, TrainingSet data, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(run.Directory, "candidate");
        var builder = new PackageBuilder(factories, time);
        var result = await builder.BuildAsync(candidate.Package with { RegistryPath = staging }, cancellationToken).ConfigureAwait(false);
        run.Log($"candidate packaged at {result.Directory}");
        var minRows = settings.Config.BaselineFromWindowMinRows;
        if (data.WindowPath is null || data.LoggedRows < minRows)
        {
            run.Log($"drift baseline from the training data: {data.LoggedRows} logged rows in the window, fewer than baselineFromWindowMinRows {minRows}");
            return (result.Directory, BaselineFromTrainingData);
        }

        // Traffic that drifted against stable's baseline would drift against a baseline of original plus window rows
        // too, and the new version's own drift episode would start the next run: its baseline is the population it
        // will serve. Packaged a second time over the window's rows, with the first package's task and classes (the
        // window may lack a class), and only that baseline is kept.
        var first = result.Manifest;
        var windowed = await builder.BuildAsync(
            candidate.Package with { RegistryPath = Path.Combine(run.Directory, "window-baseline"), TrainingDataPath = data.WindowPath, Label = data.Label, Task = first.Task, Classes = first.Signature.Classes },
            cancellationToken).ConfigureAwait(false);
        ManifestSerializer.Write(result.Directory, ManifestSerializer.Read(result.Directory) with { Baseline = windowed.Manifest.Baseline });
        run.Log($"drift baseline from the window's {data.LoggedRows} logged rows (at least baselineFromWindowMinRows {minRows})");
        return (result.Directory, BaselineFromWindow);
    }

    private async Task<EvaluationLineage> EvaluateAsync(string model, RetrainJob job, TrainingSet data, string candidateDirectory, ModelManifest? stable, int? stableVersion, CancellationToken cancellationToken)
    {
        var candidate = ManifestSerializer.Read(candidateDirectory);
        var rows = CsvDataSet.Load(data.HeldOutPath);
        var labels = rows.Column(data.Label);
        var metric = job.Metric ?? GateMetrics.DefaultFor(candidate.Task);
        var margin = settings.Config.MarginOf(job);
        var candidateFigures = GateMetrics.Measure(candidate.Task, labels, await VersionScorer.PredictAsync(candidateDirectory, candidate, rows, factories, cancellationToken).ConfigureAwait(false));
        if (!candidateFigures.ContainsKey(metric))
        {
            throw new RetrainException($"the metric '{metric}' does not fit a {candidate.Task} model; use {(ModelTasks.IsClassification(candidate.Task) ? "accuracy or f1" : "rmse or r2")}");
        }

        IReadOnlyDictionary<string, double>? stableFigures = null;
        if (stable is not null && stableVersion is { } version)
        {
            var directory = Path.Combine(ModelDirectory(model), version.ToString(CultureInfo.InvariantCulture));
            stableFigures = GateMetrics.Measure(stable.Task, labels, await VersionScorer.PredictAsync(directory, stable, rows, factories, cancellationToken).ConfigureAwait(false));
        }

        var passed = stableFigures is null || GateMetrics.Passes(metric, candidateFigures[metric], stableFigures[metric], margin);
        return new EvaluationLineage
        {
            Metric = metric,
            Margin = margin,
            Verdict = passed ? "passed" : "refused",
            HeldOutRows = data.HeldOutRows,
            Split = data.Split,
            Candidate = candidateFigures,
            Stable = stableFigures,
        };
    }

    /// <summary>
    /// Copies the candidate into a staging folder inside the model's folder (the registry ignores it), writes the
    /// lineage into its manifest, and renames it to the next version number in one step: the gateway's watcher never
    /// sees half a package.
    /// </summary>
    private int Publish(string model, string candidateDirectory, RetrainingLineage retraining, Serving.Core.Contracts.MlflowLineage? mlflowLineage)
    {
        var modelDirectory = ModelDirectory(model);
        var staging = VersionFolders.CreateStaging(modelDirectory);
        try
        {
            foreach (var file in Directory.GetFiles(candidateDirectory))
            {
                File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
            }

            var manifest = ManifestSerializer.Read(staging);
            var lineage = (manifest.Lineage ?? new ModelLineage { CreatedAt = time.GetUtcNow() }) with { Retraining = retraining, Mlflow = mlflowLineage ?? manifest.Lineage?.Mlflow };
            ManifestSerializer.Write(staging, manifest with { Lineage = lineage });
            return VersionFolders.Publish(staging, modelDirectory, version: null);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }
    }

    private Task ReportPublishedAsync(RetrainRun run, int version, RetrainingLineage lineage, CancellationToken cancellationToken)
    {
        var data = EventData(run, lineage);
        data["version"] = version;
        data["registry"] = settings.Registry;
        return gateway.ReportAsync($"retrain-{run.Id}-published", GatewayEventTypes.VersionPublished, time.GetUtcNow(), data, cancellationToken);
    }

    private Task ReportFailedAsync(RetrainRun run, string outcome, string reason, RetrainingLineage? lineage, CancellationToken cancellationToken)
    {
        var data = EventData(run, lineage);
        data["outcome"] = outcome;
        data["reason"] = reason;
        return gateway.ReportAsync($"retrain-{run.Id}-failed", GatewayEventTypes.VersionFailed, time.GetUtcNow(), data, cancellationToken);
    }

    private static JsonObject EventData(RetrainRun run, RetrainingLineage? lineage)
    {
        var data = new JsonObject
        {
            ["model"] = run.Trigger.Model,
            ["runId"] = run.Id,
            ["triggerEventId"] = run.Trigger.EventId,
            ["triggerEventType"] = run.Trigger.EventType,
        };
        if (lineage is not null)
        {
            data["parentVersion"] = lineage.ParentVersion;
            data["dataSha256"] = lineage.DataSha256;
            data["evaluation"] = System.Text.Json.JsonSerializer.SerializeToNode(lineage.Evaluation, RunJson.Options);
        }

        return data;
    }

    private static string Figures(IReadOnlyDictionary<string, double> figures) =>
        string.Join(", ", figures.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key} {f.Value:F4}")));
}
