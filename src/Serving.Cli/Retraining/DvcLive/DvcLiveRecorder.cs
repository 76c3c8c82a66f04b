using Serving.Core.Contracts;
using YamlDotNet.Core;

namespace Serving.Cli.Retraining.DvcLive;

/// <summary>
/// Writes a judged run's DVCLive files: the training curve the recipe exposes, ML.NET's own held-out figures, the
/// gate's figures (<c>gate/candidate/*</c>, <c>gate/stable/*</c>, <c>gate/margin</c>, <c>gate/passed</c> 1 or 0) and the
/// run's parameters, into <c>&lt;run folder&gt;/dvclive</c>, merged with what a command job wrote there itself, then
/// copied to the job's <c>dvclive.dir</c>. A file that cannot be written is a line in the run's log, never a failed run.
/// </summary>
public static class DvcLiveRecorder
{
    public static DvcLiveFiles? Record(RetrainRun run, RetrainJob job, TrainingSet data, int? stableVersion, TrainedCandidate candidate, EvaluationLineage evaluation)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(evaluation);
        var log = Log(run, job, data, stableVersion, candidate, evaluation);
        var directory = Path.Combine(run.Directory, DvcLiveLayout.DefaultDirectory);
        try
        {
            var plots = DvcLiveMerge.IsWritten(directory) ? DvcLiveMerge.Into(directory, log, run.Log) : log.Write(directory);
            string? copiedTo = null;
            if (job.Dvclive?.Dir is { } target)
            {
                DvcLiveMerge.Replace(directory, target);
                copiedTo = target;
            }

            var files = new DvcLiveFiles
            {
                Dir = directory,
                Metrics = Path.Combine(directory, DvcLiveLayout.MetricsFile),
                Params = Path.Combine(directory, DvcLiveLayout.ParamsFile),
                DvcYaml = Path.Combine(directory, DvcLiveLayout.DvcYamlFile),
                Plots = [.. plots.Select(p => Path.Combine(directory, p))],
                CopiedTo = copiedTo,
            };
            run.Log($"dvclive: {log.Metrics.Count} metrics, {log.Params.Count} params in {directory}{(copiedTo is null ? string.Empty : $", copied to {copiedTo}")}");
            return files;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or YamlException or System.Text.Json.JsonException)
        {
            run.Log($"dvclive: could not write the DVCLive files ({ex.Message}); the run goes on");
            return null;
        }
    }

    /// <summary>What the run logs, in the order DVCLive would have been called: the curve, then the final figures.</summary>
    public static DvcLiveLog Log(RetrainRun run, RetrainJob job, TrainingSet data, int? stableVersion, TrainedCandidate candidate, EvaluationLineage evaluation)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(evaluation);
        var log = new DvcLiveLog();
        log.Param("run_id", run.Id);
        log.Param("model", run.Trigger.Model);
        log.Param("job", job.Kind == RetrainJob.Builtin
            ? new Dictionary<string, object?> { ["kind"] = job.Kind, ["sample"] = job.Sample, ["recipe"] = job.Recipe }
            : new Dictionary<string, object?> { ["kind"] = job.Kind, ["command"] = job.Command });
        log.Param("trainer", candidate.Package.Trainer);
        log.Param("metric", evaluation.Metric);
        log.Param("margin", evaluation.Margin);
        log.Param("parent_version", stableVersion);
        log.Param("event", new Dictionary<string, object?> { ["id"] = run.Trigger.EventId, ["type"] = run.Trigger.EventType });
        log.Param("data_sha256", data.Sha256);
        log.Param("rows", new Dictionary<string, object?>
        {
            ["original"] = data.OriginalRows,
            ["logged"] = data.LoggedRows,
            ["train"] = data.TrainRows,
            ["held_out"] = data.HeldOutRows,
        });

        foreach (var step in candidate.Steps)
        {
            log.Metric(step.Metric, step.Value, step.Step);
        }

        foreach (var (name, value) in candidate.Package.Metrics ?? new Dictionary<string, double>())
        {
            log.Metric($"mlnet/{name}", value);
        }

        foreach (var (name, value) in evaluation.Candidate)
        {
            log.Metric($"gate/candidate/{name}", value);
        }

        foreach (var (name, value) in evaluation.Stable ?? new Dictionary<string, double>())
        {
            log.Metric($"gate/stable/{name}", value);
        }

        log.Metric("gate/margin", evaluation.Margin);
        log.Metric("gate/passed", evaluation.Verdict == "passed" ? 1 : 0);
        return log;
    }
}
