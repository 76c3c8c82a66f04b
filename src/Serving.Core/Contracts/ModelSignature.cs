namespace Serving.Core.Contracts;

/// <summary>The served inputs and outputs of a model version.</summary>
public sealed record ModelSignature
{
    public required IReadOnlyList<TensorSpec> Inputs { get; init; }

    public required IReadOnlyList<TensorSpec> Outputs { get; init; }

    /// <summary>The output that holds the prediction, for baselines and monitoring.</summary>
    public string? PredictionOutput { get; init; }

    /// <summary>Class names in class-index order, for classifiers; null when unknown.</summary>
    public IReadOnlyList<string>? Classes { get; init; }
}
