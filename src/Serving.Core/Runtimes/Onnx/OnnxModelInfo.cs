using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.Onnx;

/// <summary>What an ONNX file declares, as the gateway sees it.</summary>
/// <param name="Inputs">Tensor inputs in graph order, under the graph's names (-1 for symbolic or unknown dimensions).</param>
/// <param name="Outputs">Tensor outputs the gateway can serve, in graph order.</param>
/// <param name="NonTensorOutputs">
/// Outputs left out of <paramref name="Outputs"/>: sequences, maps (such as scikit-learn's ZipMap), optionals,
/// sparse tensors, and tensors of element types OIP has no name for.
/// </param>
public sealed record OnnxModelInfo(
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    IReadOnlyList<string> NonTensorOutputs);
