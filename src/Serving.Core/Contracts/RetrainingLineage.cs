namespace Serving.Core.Contracts;

/// <summary>
/// How the retrainer made a version: from which version, on which data (fingerprinted), judged how, and because of
/// which event. Written into <c>model.json</c> under <c>lineage.retraining</c>.
/// </summary>
public sealed record RetrainingLineage
{
    /// <summary>The retrainer's run id.</summary>
    public required string RunId { get; init; }

    /// <summary>The stable version the candidate was compared with and replaces.</summary>
    public int? ParentVersion { get; init; }

    /// <summary>Id of the event that started the run (the webhook-id), or null for a run started by hand.</summary>
    public string? EventId { get; init; }

    /// <summary>Type of that event (<c>drift.detected</c>, <c>performance.degraded</c>, <c>retrain.scheduled</c>, or <c>manual</c>).</summary>
    public required string EventType { get; init; }

    /// <summary>SHA-256 (lowercase hex) of the combined training CSV: the original data plus the labelled logged predictions.</summary>
    public required string DataSha256 { get; init; }

    /// <summary>The combined training CSV as DVC records it (md5, size, and where it was exported in a DVC repository), when the retrainer wrote its <c>.dvc</c> file.</summary>
    public TrainingDataReference? DataVersion { get; init; }

    /// <summary>The model's original training data, when it came from a DVC-tracked data set (its <c>.dvc</c> file's md5 and path).</summary>
    public TrainingDataReference? OriginalDataVersion { get; init; }

    /// <summary>Rows of the model's original training data in the combined CSV.</summary>
    public int OriginalRows { get; init; }

    /// <summary>Rows from logged predictions with labels (of the event's window) in the combined CSV.</summary>
    public int LoggedRows { get; init; }

    /// <summary>
    /// Where the version's drift baseline came from: <c>window</c> (the labelled logged rows of the event's window,
    /// the population it will serve) or <c>training-data</c> (the rows it trained on); null in lineage written before.
    /// </summary>
    public string? BaselineFrom { get; init; }

    /// <summary>The evaluation gate's verdict and figures.</summary>
    public required EvaluationLineage Evaluation { get; init; }
}

/// <summary>The evaluation gate: both versions scored on the same held-out rows by the gateway's runtimes.</summary>
public sealed record EvaluationLineage
{
    /// <summary>The metric that decides: <c>accuracy</c>, <c>f1</c>, <c>rmse</c> or <c>r2</c>.</summary>
    public required string Metric { get; init; }

    /// <summary>How much worse than stable the candidate may be on that metric and still pass.</summary>
    public double Margin { get; init; }

    /// <summary><c>passed</c> or <c>refused</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>Held-out rows both were scored on.</summary>
    public int HeldOutRows { get; init; }

    /// <summary>How the held-out rows were chosen, in words.</summary>
    public string? Split { get; init; }

    /// <summary>The candidate's figures, by metric name.</summary>
    public required IReadOnlyDictionary<string, double> Candidate { get; init; }

    /// <summary>The stable version's figures on the same rows; null when there was no stable version to compare with.</summary>
    public IReadOnlyDictionary<string, double>? Stable { get; init; }
}
