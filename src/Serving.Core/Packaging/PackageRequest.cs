using Serving.Core.Contracts;

namespace Serving.Core.Packaging;

/// <summary>What <see cref="PackageBuilder"/> needs to turn a trained artifact into a registry version.</summary>
public sealed record PackageRequest
{
    /// <summary>The trained model: an ONNX file or an ML.NET model zip.</summary>
    public required string ArtifactPath { get; init; }

    /// <summary>The model's name in the registry (a folder name).</summary>
    public required string ModelName { get; init; }

    /// <summary>The registry folder that holds one folder per model.</summary>
    public required string RegistryPath { get; init; }

    /// <summary><c>onnx</c> or <c>mlnet</c>; null infers it from the artifact's extension (.onnx, .zip).</summary>
    public string? Format { get; init; }

    /// <summary>Headered CSV the model was trained on; gives feature names, baselines and lineage.</summary>
    public string? TrainingDataPath { get; init; }

    /// <summary>Label column of the CSV; null means <c>target</c> when present, else the last column.</summary>
    public string? Label { get; init; }

    /// <summary><c>binary</c>, <c>multiclass</c> or <c>regression</c>; null infers it from the label column.</summary>
    public string? Task { get; init; }

    /// <summary>Public name of the output that holds the prediction; null chooses one (see <see cref="PredictionOutputChooser"/>).</summary>
    public string? PredictionOutput { get; init; }

    /// <summary>Public names for artifact inputs; inputs not listed keep the artifact's name.</summary>
    public IReadOnlyList<TensorRename>? Inputs { get; init; }

    /// <summary>When set, only these artifact outputs are served, under these names; null serves every tensor output as named.</summary>
    public IReadOnlyList<TensorRename>? Outputs { get; init; }

    /// <summary>Class names in class-index order; null uses the label values of the CSV for classifiers.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Exact version to publish (must not exist); null takes the next one.</summary>
    public int? Version { get; init; }

    /// <summary>How the model was produced, for lineage.</summary>
    public string? Trainer { get; init; }

    /// <summary>Metrics measured when the model was trained, for lineage.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>Commit of the code that trained the model (see <see cref="CodeCommit"/>).</summary>
    public string? CodeCommit { get; init; }

    /// <summary>
    /// Feature names of a single [N,k] input when no training data gives them (an MLflow column signature);
    /// the training CSV's columns win when both are present.
    /// </summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>MLflow origin (registered model version, run, logged model), for lineage.</summary>
    public MlflowLineage? Mlflow { get; init; }

    /// <summary>The retraining run behind this version (parent, data fingerprint, evaluation, event), for lineage.</summary>
    public RetrainingLineage? Retraining { get; init; }

    /// <summary>How many leading CSV rows are kept as warm-up examples.</summary>
    public int ExampleRows { get; init; } = 5;
}
