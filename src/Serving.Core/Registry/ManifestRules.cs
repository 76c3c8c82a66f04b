using Serving.Core.Contracts;

namespace Serving.Core.Registry;

/// <summary>Checks a parsed manifest for values the gateway cannot serve.</summary>
public static class ManifestRules
{
    /// <summary>Returns the first problem found, or null when the manifest can be served.</summary>
    public static string? Check(ModelManifest manifest)
    {
        if (manifest.Format is not (ModelFormats.Onnx or ModelFormats.MLNet))
        {
            return $"format '{manifest.Format}' is not one of {ModelFormats.Onnx}, {ModelFormats.MLNet}";
        }

        if (!ModelTasks.IsKnown(manifest.Task))
        {
            return $"task '{manifest.Task}' is not one of {ModelTasks.Binary}, {ModelTasks.Multiclass}, {ModelTasks.Regression}";
        }

        var artifact = ModelFormats.ArtifactFile(manifest.Format);
        if (!manifest.Artifacts.ContainsKey(artifact))
        {
            return $"the manifest lists no checksum for {artifact}";
        }

        if (manifest.Signature.Inputs.Count == 0 || manifest.Signature.Outputs.Count == 0)
        {
            return "the signature needs at least one input and one output";
        }

        foreach (var spec in manifest.Signature.Inputs.Concat(manifest.Signature.Outputs))
        {
            if (string.IsNullOrWhiteSpace(spec.Name))
            {
                return "a signature entry has no name";
            }

            if (!TensorDataTypes.TryParse(spec.Datatype, out var type))
            {
                return $"'{spec.Name}' has unknown datatype '{spec.Datatype}'";
            }

            if (spec.Shape.Count == 0 || spec.Shape.Any(d => d < -1 || d == 0))
            {
                return $"'{spec.Name}' has shape [{string.Join(',', spec.Shape)}]; dimensions must be positive or -1";
            }

            if (spec.Features is { } features && spec.Shape[^1] != features.Count)
            {
                return $"'{spec.Name}' lists {features.Count} features but its last dimension is {spec.Shape[^1]}";
            }

            if (type == TensorDataType.BF16 && manifest.Signature.Inputs.Contains(spec))
            {
                return $"input '{spec.Name}' is BF16, which JSON callers cannot send";
            }
        }

        var duplicate = manifest.Signature.Inputs.GroupBy(i => i.Name).FirstOrDefault(g => g.Count() > 1)
            ?? manifest.Signature.Outputs.GroupBy(o => o.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            return $"'{duplicate.Key}' appears twice in the signature";
        }

        if (manifest.Signature.PredictionOutput is { } prediction && manifest.Signature.Outputs.All(o => o.Name != prediction))
        {
            return $"predictionOutput '{prediction}' is not one of the outputs";
        }

        return null;
    }
}
