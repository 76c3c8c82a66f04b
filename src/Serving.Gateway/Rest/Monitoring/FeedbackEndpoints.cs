using System.Text.Json;
using Serving.Core.Monitoring.Performance;
using Serving.Gateway.Rest.Http;
using Serving.Gateway.Rest.Oip;

namespace Serving.Gateway.Rest.Monitoring;

/// <summary>
/// <c>POST /monitoring/feedback</c>: ground-truth labels by prediction id. Always 200 with what became of each label
/// (accepted, pending, unknown ids, invalid labels, the first few reasons); 400 only when the body is not JSON.
/// </summary>
internal static class FeedbackEndpoints
{
    // Long enough for the monitor to take in predictions answered just before; short enough never to stall a caller.
    private static readonly TimeSpan CatchUpLimit = TimeSpan.FromSeconds(1);

    public static IEndpointRouteBuilder MapFeedbackEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/monitoring/feedback", PostAsync).WithTags("Monitoring").IncludeInOpenApi().WithSummary("Post true labels by prediction id.");
        return app;
    }

    private static async Task PostAsync(HttpContext context)
    {
        var monitor = context.RequestServices.GetRequiredService<PerformanceMonitor>();
        IReadOnlyList<FeedbackItem> items;
        try
        {
            using var body = await RequestBody.ReadAsync(context.Request, context.RequestAborted);
            items = FeedbackRequestReader.Read(body.Memory);
        }
        catch (Exception ex) when (ex is JsonException or BadHttpRequestException)
        {
            OipErrors.TryDescribe(ex, out var status, out var message);
            await OipErrors.WriteAsync(context, status, message);
            return;
        }

        await monitor.CatchUpAsync(CatchUpLimit, context.RequestAborted);
        var result = monitor.AddFeedback(items);
        await JsonResponse.WriteAsync(context.Response, StatusCodes.Status200OK, result, static (w, r) =>
        {
            w.WriteStartObject();
            w.WriteNumber("accepted", r.Accepted);
            w.WriteNumber("pending", r.Pending);
            w.WriteNumber("unknownIds", r.UnknownIds);
            w.WriteNumber("invalidLabels", r.InvalidLabels);
            w.WriteStartArray("errors");
            foreach (var error in r.Errors)
            {
                w.WriteStringValue(error);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
