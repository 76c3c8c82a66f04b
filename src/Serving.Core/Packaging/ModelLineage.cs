namespace Serving.Core.Packaging;

/// <summary>What a version was made from, so it can be traced to its data and code.</summary>
public sealed record ModelLineage
{
    public TrainingDataReference? TrainingData { get; init; }

    /// <summary>Commit of the code that trained the model, when known.</summary>
    public string? CodeCommit { get; init; }

    /// <summary>How the model was produced, for example <c>serving train breast-cancer --trainer fasttree</c>.</summary>
    public string? Trainer { get; init; }

    /// <summary>Metrics measured at training time, by name.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>The MLflow run, logged model and registered version it came from, when it came from MLflow.</summary>
    public Mlflow.MlflowLineage? Mlflow { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The retraining run that produced this version, when the retrainer did.</summary>
    public RetrainingLineage? Retraining { get; init; }
}

/// <summary>The training data file and its fingerprint.</summary>
public sealed record TrainingDataReference
{
    public required string File { get; init; }

    public required string Sha256 { get; init; }

    public int Rows { get; init; }
}
