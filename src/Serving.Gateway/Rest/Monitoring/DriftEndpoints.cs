using Serving.Core.Coordination;
using Serving.Core.Monitoring.Drift;
using Serving.Core.Monitoring.Shared;
using Serving.Gateway.Hosting;
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

    private static async Task DriftAsync(HttpContext context)
    {
        var name = (string)context.Request.RouteValues["name"]!;
        var monitor = context.RequestServices.GetRequiredService<DriftMonitor>();

        // With replicas on Redis only the leader computes drift; the others answer with its latest report.
        if (context.RequestServices.UsesRedis() && !context.RequestServices.GetRequiredService<ILeadership>().IsLeader
            && monitor.Report(name) is not null
            && await context.RequestServices.GetRequiredService<MonitorSnapshots>().ReadAsync(MonitorSnapshots.Drift, name).ConfigureAwait(false) is { } snapshot)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(snapshot, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await DriftResponseAsync(context, name, monitor).ConfigureAwait(false);
    }

    private static Task DriftResponseAsync(HttpContext context, string name, DriftMonitor monitor)
    {
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
