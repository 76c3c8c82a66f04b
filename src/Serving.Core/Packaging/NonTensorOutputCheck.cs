using Microsoft.ML.OnnxRuntime;

namespace Serving.Core.Packaging;

/// <summary>Refuses ONNX graphs whose served outputs are not tensors (for example scikit-learn's ZipMap).</summary>
public static class NonTensorOutputCheck
{
    /// <summary>Throws when an output that would be served is a sequence or map; outputs left out by renames are fine.</summary>
    public static void Ensure(string format, string artifactPath, IReadOnlyList<TensorRename>? servedOutputs)
    {
        if (format != ModelFormats.Onnx)
        {
            return;
        }

        List<string> offending;
        try
        {
            using var session = new InferenceSession(artifactPath);
            offending = session.OutputMetadata
                .Where(o => o.Value.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
                .Where(o => servedOutputs is null || servedOutputs.Any(r => r.Source == o.Key))
                .Select(o => $"'{o.Key}' ({o.Value.OnnxValueType})")
                .ToList();
        }
        catch (OnnxRuntimeException ex)
        {
            throw new PackagingException($"cannot load '{artifactPath}': {ex.Message}", ex);
        }

        if (offending.Count > 0)
        {
            throw new PackagingException(
                $"the model has non-tensor output(s) {string.Join(", ", offending)}; the gateway serves tensors only. "
                + "Export the model without them: with skl2onnx pass options={id(model): {'zipmap': False}} "
                + "(or {'zipmap': False} for the classifier) to convert_sklearn/to_onnx, so probabilities come out as a [N, classes] tensor.");
        }
    }
}
