using System.Text.Json;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Health;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Http;
using Serving.Gateway.Routing;

namespace Serving.Gateway.Rest.Oip;

/// <summary>Open Inference Protocol v2 over REST: health, server and model metadata, readiness and infer.</summary>
internal static class OipEndpoints
{
    public static IEndpointRouteBuilder MapOipEndpoints(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("OIP").IncludeInOpenApi();
        v2.MapGet("/health/live", context => WriteFlag(context, "live", true)).WithSummary("Server liveness: 200 while the process runs.");
        v2.MapGet("/health/ready", ServerReadyAsync).WithSummary("Server readiness: 200 when ready, else 503 with the reason.");
        v2.MapGet(string.Empty, ServerMetadataAsync).WithSummary("Server metadata: name, version and protocol extensions.");
        v2.MapGet("/models/{name}", ModelMetadataAsync).WithSummary("Model metadata: versions, inputs (with feature names) and outputs.");
        v2.MapGet("/models/{name}/versions/{version}", ModelMetadataAsync).WithSummary("Metadata of one model version.");
        v2.MapGet("/models/{name}/ready", ModelReadyAsync).WithSummary("Whether the model can serve.");
        v2.MapGet("/models/{name}/versions/{version}/ready", ModelReadyAsync).WithSummary("Whether one model version can serve, with the reason when it cannot.");
        // The data plane's services come from the root provider: asking the request's services would build (and
        // dispose) a DI scope per prediction for singletons alone.
        var services = new OipInferServices(app.ServiceProvider);
        v2.MapPost("/models/{name}/infer", context => InferAsync(context, services, RouteValue(context, "name")!, null)).WithSummary("Run a prediction (OIP v2 JSON tensors, or JSON and raw bytes with Inference-Header-Content-Length); the deployment picks the version.");
        v2.MapPost("/models/{name}/versions/{version}/infer", context => InferAsync(context, services, RouteValue(context, "name")!, RouteValue(context, "version"))).WithSummary("Run a prediction on one pinned version.");
        return app;
    }

    /// <summary>
    /// Serves POST to the infer paths (<see cref="OipInferPath"/>) ahead of endpoint routing, by the same handler as
    /// their endpoints: routing's match, its route values and the endpoint's dispatch cost a few microseconds a
    /// request, several percent of a single-row prediction. Goes after the middleware infer relies on
    /// (decompression, compression) and before routing. Every other request, and any path routing reads otherwise
    /// (a trailing slash), goes on to routing.
    /// </summary>
    public static IApplicationBuilder UseOipInferAheadOfRouting(this IApplicationBuilder app)
    {
        var services = new OipInferServices(app.ApplicationServices);
        return app.Use((context, next) =>
            HttpMethods.IsPost(context.Request.Method) && OipInferPath.TryMatch(context.Request.Path.Value, out var name, out var version)
                ? InferAsync(context, services, name, version)
                : next(context));
    }

    private static string? RouteValue(HttpContext context, string key) =>
        context.Request.RouteValues.TryGetValue(key, out var value) ? value as string : null;

    private static IInferenceService Service(HttpContext context) =>
        context.RequestServices.GetRequiredService<IInferenceService>();

    private static Task WriteFlag(HttpContext context, string name, bool value) =>
        JsonResponse.WriteAsync(context.Response, value ? 200 : 503, (name, value), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteBoolean(s.name, s.value);
            w.WriteEndObject();
        });

    private static Task ServerReadyAsync(HttpContext context)
    {
        var report = context.RequestServices.GetRequiredService<ReadinessProbe>().Check();
        return JsonResponse.WriteAsync(context.Response, report.Ready ? 200 : 503, report, ReadinessJsonWriter.Write);
    }

    private static Task ServerMetadataAsync(HttpContext context)
    {
        var server = Service(context).Server;
        return JsonResponse.WriteAsync(context.Response, 200, server, static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("version", s.Version);
            w.WriteStartArray("extensions");
            foreach (var extension in s.Extensions)
            {
                w.WriteStringValue(extension);
            }

            // A REST-only extension (gRPC has raw contents of its own), so named here rather than by the data plane.
            w.WriteStringValue("binary_tensor_data");

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static Task ModelMetadataAsync(HttpContext context) => Guarded(context, () =>
    {
        var (name, version) = Route(context);
        var metadata = Service(context).GetModelMetadata(name, version);
        return JsonResponse.WriteAsync(context.Response, 200, metadata, OipMetadataWriter.Write);
    });

    private static Task ModelReadyAsync(HttpContext context) => Guarded(context, () =>
    {
        var (name, version) = Route(context);
        var ready = Service(context).IsModelReady(name, version);
        return JsonResponse.WriteAsync(context.Response, ready ? 200 : 503, (name, ready), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("name", s.name);
            w.WriteBoolean("ready", s.ready);
            w.WriteEndObject();
        });
    });

    // pinned is the version the path names; without one, an X-Model-Version header may pin it.
    private static async Task InferAsync(HttpContext context, OipInferServices services, string name, string? pinned)
    {
        var inDataPlane = false;
        try
        {
            var routing = RoutingHeaders.Read(context.Request.Headers);
            var version = pinned ?? routing.Version;
            InferenceRequest request;
            OipBinaryOutputs? binaryOutputs;
            using (var body = await RequestBody.ReadAsync(context.Request, context.RequestAborted))
            {
                // JSON, or JSON and raw tensor bytes (Triton's binary tensor data extension).
                request = OipBinaryRequestReader.Read(body.Span, context.Request.Headers, name, version, services.Limits.MaxIdLength, services.KeepJsonText, out binaryOutputs);
            }

            if (routing.RoutingKey is { } key)
            {
                request = request with { RoutingKey = key };
            }

            inDataPlane = true;
            var response = await services.Service.InferAsync(request, context.RequestAborted);
            context.Response.Headers["X-Model-Version"] = response.ModelVersion;
            context.Response.Headers["X-Prediction-Id"] = response.Id;
            if (binaryOutputs is not null && binaryOutputs.AnyBinary(response.Outputs))
            {
                await OipBinaryResponseWriter.WriteAsync(context.Response, response, binaryOutputs);
            }
            else
            {
                await JsonResponse.WriteAsync(context.Response, 200, response, OipJsonResponseWriter.WriteInferResponse);
            }
        }
        catch (Exception ex) when (OipErrors.TryDescribe(ex, out var status, out var message))
        {
            // An error after routing names the version that was chosen, as a success would.
            if (ex is InferenceException { ModelVersion: { } chosen } && !context.Response.HasStarted)
            {
                context.Response.Headers["X-Model-Version"] = chosen;
            }

            // The data plane counted what reached it; what failed before (body, JSON) is counted here.
            if (!inDataPlane)
            {
                RefusedRequests.Count(services.Provider, name, null, "rest", OipErrors.KindOf(ex));
            }

            await OipErrors.WriteAsync(context, status, message);
        }
    }

    private static async Task Guarded(HttpContext context, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (OipErrors.TryDescribe(ex, out var status, out var message))
        {
            await OipErrors.WriteAsync(context, status, message);
        }
    }

    private static (string Name, string? Version) Route(HttpContext context) => Route(context, RoutingHeaders.Read(context.Request.Headers));

    private static (string Name, string? Version) Route(HttpContext context, RoutingHeaders routing)
    {
        // The URL's /versions/{v} pins a version; so does an X-Model-Version request header.
        var values = context.Request.RouteValues;
        var version = values.TryGetValue("version", out var v) ? (string?)v : routing.Version;
        return ((string)values["name"]!, version);
    }
}
