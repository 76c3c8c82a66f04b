using System.Globalization;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Http;

namespace Serving.Gateway.Grpc;

/// <summary>
/// Counts <c>ModelInfer</c> calls that ended before the data plane saw them, so <c>serving_requests_total</c>
/// sees every answered gRPC call: a message the service refused to decode (counted by the service), and one the
/// gRPC framework refused before the service ran (over the message size limit, bytes that are not protobuf),
/// counted by a wrapper around the endpoint.
/// </summary>
internal static class GrpcRefusals
{
    private const string Protocol = "grpc";

    // grpc-message is percent-encoded; this text needs none.
    private const string UndecodableMessage = "the request is not a valid inference.ModelInferRequest: its protobuf could not be parsed";

    // Set in HttpContext.Items on failures that were counted already (by the service or by the data plane).
    private static readonly object Counted = new();

    /// <summary>Counts a call the service refused before the data plane, and marks it counted.</summary>
    public static void Count(HttpContext context, string model, InferenceErrorKind kind)
    {
        RefusedRequests.Count(context.RequestServices, model.Length == 0 ? null : model, null, Protocol, kind);
        MarkCounted(context);
    }

    /// <summary>Marks a failed call as counted (the data plane's observers counted it).</summary>
    public static void MarkCounted(HttpContext context) => context.Items[Counted] = Counted;

    /// <summary>Endpoint convention: wraps the <c>ModelInfer</c> endpoint to count what the framework refuses.</summary>
    public static void WrapModelInfer(EndpointBuilder builder)
    {
        if (builder.RequestDelegate is not { } next
            || !builder.Metadata.OfType<GrpcMethodMetadata>().Any(m => m.Method.Name == "ModelInfer"))
        {
            return;
        }

        builder.RequestDelegate = context =>
        {
            var call = next(context);
            if (call.IsCompletedSuccessfully)
            {
                CountIfRefused(context);
                return Task.CompletedTask;
            }

            return AfterAsync(call, context);
        };
    }

    private static async Task AfterAsync(Task call, HttpContext context)
    {
        await call.ConfigureAwait(false);
        CountIfRefused(context);
    }

    private static void CountIfRefused(HttpContext context)
    {
        // A call refused before any message was sent ends "trailers-only": its grpc-status is in the headers.
        // Successes answer a message first and carry their status in the trailers, so this costs them one lookup.
        if (!context.Response.Headers.TryGetValue("grpc-status", out var value)
            || !int.TryParse(value.ToString(), out var code)
            || code is (int)StatusCode.OK or (int)StatusCode.Cancelled or (int)StatusCode.DeadlineExceeded
            || context.Items.ContainsKey(Counted))
        {
            return;
        }

        if (code == (int)StatusCode.Unknown && !context.Response.HasStarted)
        {
            // The framework read no message and answers that with an opaque UNKNOWN; it is the caller's bad request.
            context.Response.Headers["grpc-status"] = ((int)StatusCode.InvalidArgument).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = UndecodableMessage;
        }

        RefusedRequests.Count(context.RequestServices, null, null, Protocol, KindOf((StatusCode)code));
    }

    /// <summary>
    /// What the framework's refusals mean: over the size limit is RESOURCE_EXHAUSTED; a message that does not
    /// parse surfaces as an exception in the framework's own read, which it answers UNKNOWN (turned into
    /// INVALID_ARGUMENT above), and which is the caller's bad request (the service and the data plane never ran).
    /// </summary>
    private static InferenceErrorKind KindOf(StatusCode code) => code switch
    {
        StatusCode.ResourceExhausted => InferenceErrorKind.PayloadTooLarge,
        StatusCode.NotFound => InferenceErrorKind.NotFound,
        StatusCode.Unavailable => InferenceErrorKind.Unavailable,
        StatusCode.InvalidArgument or StatusCode.Unknown or StatusCode.Internal => InferenceErrorKind.BadRequest,
        _ => InferenceErrorKind.Internal,
    };
}
