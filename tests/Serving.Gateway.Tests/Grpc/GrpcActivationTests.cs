using Microsoft.Extensions.DependencyInjection;
using Serving.Gateway.Grpc;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>
/// The framework builds a service or interceptor on every call unless DI holds it; the inference service and the
/// error interceptor keep no per-call state, so DI holds one of each.
/// </summary>
public sealed class GrpcActivationTests
{
    [Fact]
    public void The_inference_service_and_its_interceptor_are_singletons()
    {
        var services = new ServiceCollection().AddLogging().AddOipGrpc();

        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(GrpcInferenceService)).Lifetime);
        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(InferenceExceptionInterceptor)).Lifetime);
    }
}
