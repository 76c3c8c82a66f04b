using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Health;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Grpc;

/// <summary>Registers and maps the OIP v2 gRPC transport, the standard health service and server reflection.</summary>
public static class OipGrpcExtensions
{
    private const string HealthCheckLogCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    // The framework's per-call log: every refused call at information level with its whole status message, a
    // request that does not parse twice with its stack trace (once at error level). A hostile caller controls how
    // often and how large; the gateway logs these itself instead (GrpcRefusalLog, InferenceExceptionInterceptor).
    private const string GrpcCallLogCategory = "Grpc.AspNetCore.Server.ServerCallHandler";

    /// <summary>
    /// Adds gRPC, the inference service (which resolves <c>IInferenceService</c> from DI), the
    /// <c>grpc.health.v1</c> health service fed by the data plane's readiness, and server reflection.
    /// </summary>
    public static IServiceCollection AddOipGrpc(this IServiceCollection services)
    {
        // The gateway adds its readiness details; a host that adds none is ready.
        services.TryAddSingleton<ReadinessProbe>();
        // Every service: the inference service's failures get their status codes, and any service's bounded messages.
        services.AddGrpc(options => options.Interceptors.Add<InferenceExceptionInterceptor>());
        // Registered, the framework takes both from DI instead of building them (and resolving their dependencies)
        // on every call; neither holds per-call state.
        services.TryAddSingleton<InferenceExceptionInterceptor>();
        services.TryAddSingleton<GrpcInferenceService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<GrpcServiceOptions>, GrpcMessageSizeSetup>());
        services.TryAddSingleton<GrpcRefusalLog>();
        services.Configure<LoggerFilterOptions>(options => options.AddFilter(GrpcCallLogCategory, LogLevel.None));

        // "" (the whole server) keeps its default of every registered check; the service's own name reports readiness only.
        services.AddGrpcHealthChecks(options => options.Services.Map(
                GRPCInferenceService.Descriptor.FullName,
                check => check.Name == InferenceReadinessHealthCheck.Name))
            .AddCheck<InferenceReadinessHealthCheck>(InferenceReadinessHealthCheck.Name, tags: ["ready"]);

        // The health service logs every unhealthy check at error level, on each probe and each publish (every 30 s).
        // Why the server is not ready is logged once by the part that knows (the registry), so these would only repeat it.
        services.Configure<LoggerFilterOptions>(options => options.AddFilter(HealthCheckLogCategory, LogLevel.Critical));

        services.AddGrpcReflection();
        return services;
    }

    /// <summary>Maps the inference, health and reflection services.</summary>
    public static IEndpointRouteBuilder MapOipGrpc(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<GrpcInferenceService>()
            .WithMetadata(GrpcMessageSizeLimitMetadata.Instance)
            .Add(GrpcRefusals.Wrap);
        endpoints.MapGrpcHealthChecksService().Add(GrpcRefusals.Wrap);
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
