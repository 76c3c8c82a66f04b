using Serving.Core.Contracts;

namespace Serving.Core.Inference;

/// <summary>The version routing chose for a request, described by its metadata, and how it was chosen.</summary>
/// <param name="Metadata">The chosen version's metadata (cached: no allocation per request).</param>
/// <param name="Kind">Stable, canary, fallback, or pinned when the caller named the version.</param>
public readonly record struct InferenceRoute(ModelMetadata Metadata, RouteKind Kind)
{
    /// <summary>The chosen version, as requests and answers name it.</summary>
    public string Version => Metadata.Version;
}
