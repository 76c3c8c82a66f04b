using Serving.Core.Monitoring.Drift;
using Serving.Gateway.Rest.Http;

namespace Serving.Gateway.Rest.Monitoring;

/// <summary><c>GET /monitoring/models/{name}/drift</c>: the drift report of every loaded version. Open, like <c>/metrics</c>.</summary>
internal static class DriftEndpoints
{
    public static IEndpointRouteBuilder MapDriftEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/monitoring/models/{name}/drift", DriftAsync).WithTags("Monitoring").IncludeInOpenApi().WithSummary("Drift of every loaded version against its package baseline.");
        return app;
    }

    private static Task DriftAsync(HttpContext context)
    {
        var name = (string)context.Request.RouteValues["name"]!;
        var monitor = context.RequestServices.GetRequiredService<DriftMonitor>();
        if (monitor.Report(name) is not { } report)
        {
            return JsonResponse.WriteAsync(context.Response, StatusCodes.Status404NotFound, name, static (w, n) =>
            {
                w.WriteStartObject();
                w.WriteString("error", $"model '{n}' is not in the registry");
                w.WriteEndObject();
            });
        }

        return JsonResponse.WriteAsync(context.Response, StatusCodes.Status200OK, report, DriftReportJson.Write);
    }
}
