using Serving.Core.Contracts;

namespace Serving.Core.Inference;

/// <summary>
/// The one data plane. Every transport (OIP REST, OIP gRPC, MLflow) decodes into canonical requests, calls
/// this, and encodes what it returns. Failures are <see cref="InferenceException"/>s whose kind the transport
/// maps to its own status codes.
/// </summary>
public interface IInferenceService
{
    /// <summary>Server name and version and the protocol extensions it serves.</summary>
    ServerMetadata Server { get; }

    /// <summary>True once the registry has been read and while its folder can be read (the data plane's part of readiness).</summary>
    bool IsServerReady { get; }

    /// <summary>Names of all known models, sorted.</summary>
    IReadOnlyList<string> ModelNames { get; }

    /// <summary>The model <c>/invocations</c> serves: configured, or the only one; null when neither.</summary>
    string? DefaultModel { get; }

    /// <summary>Metadata of a model (the version that serves by default) or of one version; throws NotFound.</summary>
    ModelMetadata GetModelMetadata(string model, string? version);

    /// <summary>Whether the model (or that version) can serve now; throws NotFound for an unknown model or version.</summary>
    bool IsModelReady(string model, string? version);

    /// <summary>
    /// Chooses the version a request would be served by, as <see cref="InferAsync"/> does (a pinned
    /// <paramref name="version"/>, else the deployment's weights and <paramref name="routingKey"/>), without running
    /// anything or telling observers. A transport that must decode against the serving version's signature routes
    /// first, then sends the request with <see cref="InferenceRequest.Version"/> and
    /// <see cref="InferenceRequest.RoutedAs"/> from the answer. Throws NotFound or Unavailable.
    /// </summary>
    InferenceRoute Route(string model, string? version, string? routingKey);

    /// <summary>Routes, validates, runs and times one request.</summary>
    ValueTask<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken);
}
