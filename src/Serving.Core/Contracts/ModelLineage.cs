namespace Serving.Core.Contracts;

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
    public MlflowLineage? Mlflow { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The retraining run that produced this version, when the retrainer did.</summary>
    public RetrainingLineage? Retraining { get; init; }
}

/// <summary>
/// The training data file and its fingerprints: our SHA-256, and the fields of a DVC <c>.dvc</c> file's <c>outs</c>
/// entry (md5 of the file's raw bytes as DVC 3 computes it, size in bytes, path), so a version can be matched to a data
/// commit with <c>dvc</c>.
/// </summary>
public sealed record TrainingDataReference
{
    public required string File { get; init; }

    public required string Sha256 { get; init; }

    public int Rows { get; init; }

    /// <summary>Lowercase hex MD5 of the file's bytes, as a DVC 3 <c>.dvc</c> file's <c>outs[].md5</c> holds it.</summary>
    public string? Md5 { get; init; }

    /// <summary>The file's size in bytes (<c>outs[].size</c>).</summary>
    public long? Size { get; init; }

    /// <summary>The file's path in its DVC repository (relative to the repository root, <c>/</c>-separated), when it lies in one.</summary>
    public string? Path { get; init; }

    /// <summary>The <c>.dvc</c> file that tracks it, relative to the repository root, when there is one.</summary>
    public string? DvcFile { get; init; }
}
