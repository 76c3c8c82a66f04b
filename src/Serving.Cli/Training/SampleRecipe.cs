using Microsoft.ML;

namespace Serving.Cli.Training;

/// <summary>
/// How one version of a sample model is trained: the data, the task, the ML.NET estimator (from a
/// <c>Features</c> vector and a <c>Label</c>) and the columns it serves under public names.
/// </summary>
public sealed record SampleRecipe
{
    public required string Sample { get; init; }

    public required int Version { get; init; }

    /// <summary>Training CSV file name inside the data folder.</summary>
    public required string DataFile { get; init; }

    public required string Task { get; init; }

    /// <summary><c>onnx</c> (exported with the ONNX converter) or <c>mlnet</c> (the model zip itself).</summary>
    public required string Format { get; init; }

    /// <summary>What the recipe trains, for lineage, for example <c>ML.NET FastTree (50 trees, 8 leaves)</c>.</summary>
    public required string Description { get; init; }

    /// <summary>Class names in class-index order, for classifiers.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Public output name to the ML.NET column that holds it, in serving order.</summary>
    public required IReadOnlyList<(string Name, string Column)> Outputs { get; init; }

    /// <summary>The estimator; the context carries the fixed seed.</summary>
    public required Func<MLContext, IEstimator<ITransformer>> Estimator { get; init; }
}
