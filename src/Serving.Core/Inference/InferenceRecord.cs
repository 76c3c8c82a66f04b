using Serving.Core.Contracts;

namespace Serving.Core.Inference;

/// <summary>
/// One finished request as observers see it: who served it, how it was routed, how long it took, what came out, and
/// what observers need of the version that served it (its manifest), so that none looks the registry up again (by
/// then the version may be gone from it).
/// </summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">The version that served (0 when the request failed before a version was chosen).</param>
/// <param name="Route">How the version was chosen.</param>
/// <param name="Protocol">rest, grpc or mlflow.</param>
/// <param name="StartedAt">When the data plane received it.</param>
/// <param name="Latency">Time spent in the data plane (validate and run).</param>
/// <param name="Error">Null on success, else the failure kind.</param>
/// <param name="Request">The request as decoded.</param>
/// <param name="Response">The response; null on failure.</param>
public sealed record InferenceRecord(
    string Model,
    int Version,
    RouteKind Route,
    string Protocol,
    DateTimeOffset StartedAt,
    TimeSpan Latency,
    InferenceErrorKind? Error,
    InferenceRequest Request,
    InferenceResponse? Response)
{
    /// <summary>The manifest of the version that served (its signature, task, baseline); null when none was chosen.</summary>
    public ModelManifest? Manifest { get; init; }
}
