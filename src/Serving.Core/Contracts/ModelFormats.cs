namespace Serving.Core.Contracts;

/// <summary>Artifact formats a manifest may name, and each one's artifact file.</summary>
public static class ModelFormats
{
    public const string Onnx = "onnx";
    public const string MLNet = "mlnet";

    /// <summary>The artifact file name each format uses inside a version folder.</summary>
    public static string ArtifactFile(string format) => format switch
    {
        Onnx => "model.onnx",
        MLNet => "model.zip",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown model format"),
    };
}
