using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Serving.Gateway.Rest.Http;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>The MLflow scoring protocol (<c>mlflow models serve</c>'s routes) over the default model.</summary>
public static class MlflowEndpoints
{
    /// <summary>Maps <c>POST /invocations</c>, <c>GET /ping</c> and <c>GET /health</c>.</summary>
    public static IEndpointRouteBuilder MapMlflowEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Plain request delegates: no parameter binding or result filters on the hot path.
        // The data plane's services come from the root provider, so a prediction builds no DI scope.
        var services = endpoints.ServiceProvider;
        endpoints.MapPost("/invocations", context => MlflowInvocationsHandler.HandleAsync(context, services)).WithTags("MLflow").IncludeInOpenApi().WithSummary("MLflow scoring: predict with the default model (dataframe_split, dataframe_records, instances, inputs or CSV).");
        endpoints.MapGet("/ping", MlflowHealthHandler.HandleAsync).WithTags("MLflow").IncludeInOpenApi().WithSummary("MLflow health: 200 while the default model is ready, else 503.");
        endpoints.MapGet("/health", MlflowHealthHandler.HandleAsync).WithTags("MLflow").IncludeInOpenApi().WithSummary("The same as /ping.");
        return endpoints;
    }
}
