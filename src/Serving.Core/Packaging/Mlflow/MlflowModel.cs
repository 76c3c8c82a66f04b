namespace Serving.Core.Packaging.Mlflow;

/// <summary>What an MLflow model folder's <c>MLmodel</c> file says, as far as the gateway needs it.</summary>
public sealed record MlflowModel
{
    /// <summary>Flavors the model was saved with (<c>onnx</c>, <c>python_function</c>, <c>sklearn</c>, ...).</summary>
    public required IReadOnlyList<string> Flavors { get; init; }

    /// <summary>The ONNX file of the <c>onnx</c> flavor (its <c>data</c>), relative to the folder; null without that flavor.</summary>
    public string? OnnxData { get; init; }

    /// <summary>Signature inputs; null when the model was logged without a signature.</summary>
    public IReadOnlyList<MlflowSignatureEntry>? Inputs { get; init; }

    /// <summary>Signature outputs; null when the signature has none.</summary>
    public IReadOnlyList<MlflowSignatureEntry>? Outputs { get; init; }

    public string? RunId { get; init; }

    public string? ModelUuid { get; init; }

    public string? MlflowVersion { get; init; }

    /// <summary>Where the model was logged inside its run (<c>artifact_path</c>).</summary>
    public string? ArtifactPath { get; init; }
}
