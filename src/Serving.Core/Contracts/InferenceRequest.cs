namespace Serving.Core.Contracts;

/// <summary>The canonical request every transport decodes into.</summary>
public sealed record InferenceRequest
{
    /// <summary>Model to serve the request.</summary>
    public required string ModelName { get; init; }

    /// <summary>A pinned version (OIP URL or header); null lets the router choose.</summary>
    public string? Version { get; init; }

    /// <summary>The caller's request id, echoed back; null when the caller gave none.</summary>
    public string? Id { get; init; }

    /// <summary>
    /// Set with <see cref="Version"/> by a transport that routed first (<c>IInferenceService.Route</c>), so
    /// that it could decode against the chosen version's signature: the request then runs on exactly that version
    /// and observers see it routed this way (stable, canary), not pinned. Null for requests the data plane routes.
    /// </summary>
    public RouteKind? RoutedAs { get; init; }

    /// <summary>A key (X-Routing-Key) that keeps one caller on one version while the weights hold; null for random.</summary>
    public string? RoutingKey { get; init; }

    /// <summary>Input tensors under the names the caller used.</summary>
    public required IReadOnlyList<Tensor> Inputs { get; init; }

    /// <summary>Outputs to return; null or empty means all of them.</summary>
    public IReadOnlyList<string>? RequestedOutputs { get; init; }

    /// <summary>Which transport decoded the request: rest, grpc or mlflow (for metrics and logs).</summary>
    public string Protocol { get; init; } = "rest";
}
