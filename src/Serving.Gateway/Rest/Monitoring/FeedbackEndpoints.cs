using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Performance;
using Serving.Core.Monitoring.Shared;
using Serving.Gateway.Hosting;
using Serving.Gateway.Rest.Http;
using Serving.Gateway.Rest.Oip;

namespace Serving.Gateway.Rest.Monitoring;

/// <summary>
/// <c>POST /monitoring/feedback</c>: ground-truth labels by prediction id. Always 200 with what became of each label
/// (accepted, pending, unknown ids, invalid labels, duplicates, the first few reasons); 400 when the body is not JSON,
/// has an id that cannot be a prediction id, or an item over a limit; 413 when the body or its item count is over its
/// limit. The limits are in <see cref="PerformanceOptions"/> and each refusal names the key it hit.
/// </summary>
internal static class FeedbackEndpoints
{
    // Long enough for the monitor to take in predictions answered just before; short enough never to stall a caller.
    private static readonly TimeSpan CatchUpLimit = TimeSpan.FromSeconds(1);

    // How long a replica waits for the leader to join feedback sent through Redis.
    private static readonly TimeSpan LeaderPatience = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapFeedbackEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/monitoring/feedback", PostAsync).WithTags("Monitoring").IncludeInOpenApi().WithSummary("Post true labels by prediction id.");
        return app;
    }

    private static async Task PostAsync(HttpContext context)
    {
        var monitor = context.RequestServices.GetRequiredService<PerformanceMonitor>();
        var limits = context.RequestServices.GetRequiredService<IOptions<PerformanceOptions>>().Value;
        IReadOnlyList<FeedbackItem> items;
        try
        {
            items = await ReadAsync(context, limits);
        }
        catch (Exception ex) when (ex is JsonException or InferenceException or BadHttpRequestException)
        {
            OipErrors.TryDescribe(ex, out var status, out var message);
            await OipErrors.WriteAsync(context, status, message);
            return;
        }
        catch (IOException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Bad framing Kestrel reports as a plain IOException (a chunk size that overflows) is the caller's.
            await OipErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "the request body could not be read");
            return;
        }
        catch (IOException)
        {
            // The caller went away: nobody is left to answer.
            return;
        }

        FeedbackResult result;
        if (context.RequestServices.UsesRedis())
        {
            // With replicas the leader holds every replica's predictions: the labels are joined there.
            try
            {
                result = await context.RequestServices.GetRequiredService<RedisFeedbackQueue>().SubmitAsync(items, LeaderPatience, context.RequestAborted)
                    ?? new FeedbackResult(0, items.Count, items.Count, 0, [$"queued for the leader, which did not answer within {LeaderPatience.TotalSeconds:0} s; the labels are joined when it reads them"]);
            }
            catch (IOException ex)
            {
                await OipErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"the feedback was not recorded: {ex.Message}; send it again");
                return;
            }
        }
        else
        {
            await monitor.CatchUpAsync(CatchUpLimit, context.RequestAborted);
            result = monitor.AddFeedback(items);
        }

        await JsonResponse.WriteAsync(context.Response, StatusCodes.Status200OK, result, static (w, r) =>
        {
            w.WriteStartObject();
            w.WriteNumber("accepted", r.Accepted);
            w.WriteNumber("pending", r.Pending);
            w.WriteNumber("unknownIds", r.UnknownIds);
            w.WriteNumber("invalidLabels", r.InvalidLabels);
            w.WriteNumber("duplicates", r.Duplicates);
            w.WriteStartArray("errors");
            foreach (var error in r.Errors)
            {
                w.WriteStringValue(error);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    // Labels are small: the body is held to its own limit, well under the infer limit, before it is read at all
    // (a declared length over it is refused at once; Kestrel stops a chunked one as it passes the limit).
    private static async Task<IReadOnlyList<FeedbackItem>> ReadAsync(HttpContext context, PerformanceOptions limits)
    {
        var limit = limits.MaxFeedbackBytes;
        if (context.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var size = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (size is { IsReadOnly: false } && !(size.MaxRequestBodySize <= limit))
        {
            size.MaxRequestBodySize = limit;
        }

        BodyLease body;
        try
        {
            body = await RequestBody.ReadAsync(context.Request, context.RequestAborted);
        }
        catch (Exception ex) when (IsTooLarge(ex) && size?.MaxRequestBodySize == limit)
        {
            throw TooLarge(limit);
        }

        using (body)
        {
            // Where the limit could not be set on the server (it was read-only), it still holds here.
            return body.Length > limit ? throw TooLarge(limit) : FeedbackRequestReader.Read(body.Memory, limits, context.RequestServices.GetRequiredService<IOptions<RequestLimits>>().Value.MaxIdLength);
        }
    }

    // RequestBody reports a body over the server's limit as a 413 BadHttpRequestException; here that limit is ours.
    private static bool IsTooLarge(Exception exception) =>
        exception is InferenceException { Kind: InferenceErrorKind.PayloadTooLarge } or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };

    private static InferenceException TooLarge(int limit) => InferenceException.PayloadTooLarge(
        $"the feedback body is larger than {limit} bytes (Serving:Monitoring:Performance:{nameof(PerformanceOptions.MaxFeedbackBytes)})");
}
