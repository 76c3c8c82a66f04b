using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>The MLflow scoring protocol (<c>mlflow models serve</c>'s routes) over the default model.</summary>
public static class MlflowEndpoints
{
    /// <summary>Maps <c>POST /invocations</c>, <c>GET /ping</c> and <c>GET /health</c>.</summary>
    public static IEndpointRouteBuilder MapMlflowEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Plain request delegates: no parameter binding or result filters on the hot path.
        endpoints.MapPost("/invocations", MlflowInvocationsHandler.HandleAsync);
        endpoints.MapGet("/ping", MlflowHealthHandler.HandleAsync);
        endpoints.MapGet("/health", MlflowHealthHandler.HandleAsync);
        return endpoints;
    }
}
