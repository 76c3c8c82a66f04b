using System.Text.Json.Serialization;

namespace Serving.Core.Registry.Mlflow;

/// <summary>One entry of an <c>mlflow-artifacts</c> listing; <see cref="Path"/> is relative to the listed folder.</summary>
public sealed record MlflowArtifactFile
{
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("is_dir")]
    public bool IsDir { get; init; }

    [JsonPropertyName("file_size")]
    public long? FileSize { get; init; }
}
