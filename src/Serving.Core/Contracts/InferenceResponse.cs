namespace Serving.Core.Contracts;

/// <summary>The canonical response every transport encodes from.</summary>
public sealed class InferenceResponse
{
    public required string ModelName { get; init; }

    /// <summary>The version that actually served the request.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>How the version was chosen.</summary>
    public RouteKind Route { get; init; }

    /// <summary>The prediction id: the request's id when it had one, else one the data plane made.</summary>
    public string? Id { get; init; }

    /// <summary>Outputs under their public (manifest) names, in signature order.</summary>
    public required IReadOnlyList<Tensor> Outputs { get; init; }
}
