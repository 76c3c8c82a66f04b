using Microsoft.Extensions.Logging;

namespace Serving.Cli.Retraining.Mlflow;

/// <summary>Source-generated log messages of the retrainer's MLflow tracking (event ids 5100-5119).</summary>
internal static partial class MlflowTrackingLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Run {RunId} for {Model} is MLflow run {MlflowRunId}: {RunUrl}")]
    public static partial void Tracked(ILogger logger, string runId, string model, string mlflowRunId, string runUrl);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "MLflow tracking of run {RunId} for {Model} failed ({Failures} so far): {Reason}; the retraining goes on without it")]
    public static partial void TrackingFailed(ILogger logger, string runId, string model, long failures, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "MLflow tracking of run {RunId} for {Model} failed ({Failures} so far): {Reason}; the model follows MLflow registered model {RegisteredModel}, so the run fails")]
    public static partial void FollowerTrackingFailed(ILogger logger, string runId, string model, long failures, string reason, string registeredModel);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Registered {Model} as MLflow {RegisteredModel} version {Version} from run {MlflowRunId}; alias {Alias} set")]
    public static partial void Registered(ILogger logger, string model, string registeredModel, string version, string mlflowRunId, string alias);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "Gateway promoted {Model} version {Version}: MLflow alias {Alias} of {RegisteredModel} moved to it")]
    public static partial void ChampionMoved(ILogger logger, string model, string version, string alias, string registeredModel);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Gateway promoted {Model} version {Version}, but moving MLflow alias {Alias} of {RegisteredModel} failed: {Reason}")]
    public static partial void ChampionFailed(ILogger logger, string model, string version, string alias, string registeredModel, string reason);
}
