using Serving.Core.Health;
using Serving.Core.Inference;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>Readiness that follows a (fake) data plane's <see cref="IInferenceService.IsServerReady"/>, for hosts without a registry.</summary>
internal sealed class DataPlaneReadiness(IInferenceService inference) : IReadinessDetail
{
    public ReadinessDetail Check() =>
        new("data-plane", inference.IsServerReady, inference.IsServerReady ? null : "the fake data plane is not ready");
}
