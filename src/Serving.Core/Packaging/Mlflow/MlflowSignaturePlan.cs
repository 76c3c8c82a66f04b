namespace Serving.Core.Packaging.Mlflow;

/// <summary>How an MLflow signature maps onto an ONNX graph, in the terms <see cref="PackageRequest"/> takes.</summary>
/// <param name="Inputs">Public names for graph inputs; null keeps the graph's names.</param>
/// <param name="Outputs">The graph outputs served and their public names; null serves every tensor output.</param>
/// <param name="FeatureNames">Column names carried by the graph's single [N,k] input; null when there are none.</param>
public sealed record MlflowSignaturePlan(
    IReadOnlyList<TensorRename>? Inputs,
    IReadOnlyList<TensorRename>? Outputs,
    IReadOnlyList<string>? FeatureNames);
