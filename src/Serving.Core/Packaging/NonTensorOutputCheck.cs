using Serving.Core.Contracts;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Onnx;

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

        OnnxModelInfo info;
        try
        {
            info = OnnxModelInspector.Inspect(artifactPath);
        }
        catch (ModelLoadException ex)
        {
            throw new PackagingException($"cannot load '{artifactPath}': {ex.Message}", ex);
        }

        var offending = info.NonTensorOutputs.Where(o => servedOutputs is null || servedOutputs.Any(r => r.Source == o)).ToList();
        if (offending.Count > 0)
        {
            throw new PackagingException(
                $"the model has non-tensor output(s) {string.Join(", ", offending.Select(o => $"'{o}'"))} (a sequence, map or other value that is not a tensor); "
                + "the gateway serves tensors only. Export the model without them: with skl2onnx, convert with "
                + "options={'zipmap': False} (to_onnx(model, X, options={'zipmap': False})), so probabilities come out as one [N, classes] tensor.");
        }
    }
}
