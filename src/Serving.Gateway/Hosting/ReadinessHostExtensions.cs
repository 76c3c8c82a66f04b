using Microsoft.Extensions.DependencyInjection.Extensions;
using Serving.Core.Health;
using Serving.Core.Registry;

namespace Serving.Gateway.Hosting;

/// <summary>
/// Readiness (<c>/v2/health/ready</c>, gRPC <c>ServerReady</c> and <c>grpc.health.v1</c>) is the sum of named details.
/// A feature adds its own with one line: <c>services.AddReadinessDetail&lt;MyDetail&gt;()</c>.
/// </summary>
internal static class ReadinessHostExtensions
{
    /// <summary>The probe and the registry's detail: not ready until the registry folder has been read, nor while it cannot be.</summary>
    public static IServiceCollection AddReadiness(this IServiceCollection services)
    {
        services.TryAddSingleton<ReadinessProbe>();
        return services.AddReadinessDetail<RegistryReadiness>();
    }

    /// <summary>Adds a detail to the readiness report; it makes the server unready only if it says it is required.</summary>
    public static IServiceCollection AddReadinessDetail<TDetail>(this IServiceCollection services)
        where TDetail : class, IReadinessDetail
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReadinessDetail, TDetail>());
        return services;
    }
}
