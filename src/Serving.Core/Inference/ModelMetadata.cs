using Serving.Core.Contracts;

namespace Serving.Core.Inference;

/// <summary>OIP model metadata, with the public (manifest) names of inputs and outputs.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Versions">Versions that are ready to serve, ascending.</param>
/// <param name="Platform">Informational platform string, e.g. <c>onnx_onnxv1</c>.</param>
/// <param name="Inputs">Inputs; each carries its feature names, which MLflow's column matching uses.</param>
/// <param name="Outputs">Outputs.</param>
/// <param name="Task">binary, multiclass or regression.</param>
/// <param name="Version">The version this metadata describes.</param>
public sealed record ModelMetadata(
    string Name,
    IReadOnlyList<string> Versions,
    string Platform,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    string Task,
    string Version);
