namespace Serving.Cli.Admin;

/// <summary>
/// A version's lineage as <c>GET /admin/models/{name}</c> shows it: MLflow run, data version, parent, event, verdict.
/// The gateway leaves out what a lineage lacks, so every field here is optional (the admin client requires the rest).
/// </summary>
public sealed record LineageView(
    MlflowRunView? Mlflow = null,
    DataVersionView? Data = null,
    int? ParentVersion = null,
    LineageEventView? Event = null,
    EvaluationView? Evaluation = null,
    string? RetrainingRunId = null,
    string? Trainer = null);

/// <summary>The MLflow run a version came from; <c>runUrl</c> and <c>trackingUri</c> when the lineage records them.</summary>
public sealed record MlflowRunView(string? RunId = null, string? RunUrl = null, string? TrackingUri = null, string? ExperimentId = null, string? RegisteredModel = null, string? Version = null);

/// <summary>The training data as DVC records it (md5, size, path, .dvc file) beside its SHA-256.</summary>
public sealed record DataVersionView(string? File = null, string? Sha256 = null, int Rows = 0, string? Md5 = null, long? Size = null, string? Path = null, string? DvcFile = null);

/// <summary>The event that caused a retraining.</summary>
public sealed record LineageEventView(string? Id = null, string? Type = null);

/// <summary>The evaluation gate's verdict, metric and figures.</summary>
public sealed record EvaluationView(string? Metric = null, string? Verdict = null, IReadOnlyDictionary<string, double>? Candidate = null, IReadOnlyDictionary<string, double>? Stable = null);
