using System.Text.Json.Serialization;

namespace Serving.Core.Registry.Mlflow;

/// <summary>A model version as MLflow's REST API returns it (<c>model_version</c>); only the fields the gateway reads.</summary>
public sealed record MlflowModelVersion
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The version number as MLflow writes it (a string of digits).</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>Where the files were registered from (for example <c>mlflow-artifacts:/1/&lt;run&gt;/artifacts/model</c>).</summary>
    [JsonPropertyName("source")]
    public string? Source { get; init; }

    /// <summary>The run that logged the model; empty when it was registered from a bare artifact.</summary>
    [JsonPropertyName("run_id")]
    public string? RunId { get; init; }

    /// <summary><c>READY</c>, <c>PENDING_REGISTRATION</c> or <c>FAILED_REGISTRATION</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("aliases")]
    public IReadOnlyList<string>? Aliases { get; init; }

    /// <summary>Whether the version's files are complete and can be downloaded.</summary>
    [JsonIgnore]
    public bool IsReady => Status is null or "READY";
}
