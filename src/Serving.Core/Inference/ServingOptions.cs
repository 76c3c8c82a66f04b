namespace Serving.Core.Inference;

/// <summary>Top-level serving settings (<c>Serving</c> section).</summary>
public sealed class ServingOptions
{
    /// <summary>The model <c>/invocations</c> serves; when empty, the only model if there is exactly one.</summary>
    public string? DefaultModel { get; set; }
}
