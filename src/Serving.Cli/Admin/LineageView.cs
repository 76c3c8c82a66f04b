namespace Serving.Cli.Admin;

/// <summary>A version's lineage as <c>GET /admin/models/{name}</c> shows it: MLflow run, data version, parent, event, verdict.</summary>
public sealed record LineageView(
    MlflowRunView? Mlflow,
    DataVersionView? Data,
    int? ParentVersion,
    LineageEventView? Event,
    EvaluationView? Evaluation,
    string? RetrainingRunId,
    string? Trainer);

/// <summary>The MLflow run a version came from; <c>runUrl</c> and <c>trackingUri</c> when the lineage records them.</summary>
public sealed record MlflowRunView(string? RunId, string? RunUrl, string? TrackingUri, string? ExperimentId, string? RegisteredModel, string? Version);

/// <summary>The training data as DVC records it (md5, size, path, .dvc file) beside its SHA-256.</summary>
public sealed record DataVersionView(string? File, string? Sha256, int Rows, string? Md5, long? Size, string? Path, string? DvcFile);

/// <summary>The event that caused a retraining.</summary>
public sealed record LineageEventView(string? Id, string? Type);

/// <summary>The evaluation gate's verdict, metric and figures.</summary>
public sealed record EvaluationView(string? Metric, string? Verdict, IReadOnlyDictionary<string, double>? Candidate, IReadOnlyDictionary<string, double>? Stable);
