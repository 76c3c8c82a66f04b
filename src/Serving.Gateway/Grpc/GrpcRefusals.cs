using System.Globalization;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Rest.Http;

namespace Serving.Gateway.Grpc;

/// <summary>
/// What the gRPC framework refused before a service ran (over the message size limit, a bad frame, bytes that are
/// not protobuf), seen by a wrapper around each endpoint of the inference and health services: such a call is
/// logged (rate-limited, <see cref="GrpcRefusalLog"/>), answered INVALID_ARGUMENT where the framework would say
/// UNKNOWN or INTERNAL (the caller's request is at fault), and, on <c>ModelInfer</c>, counted, so that
/// <c>serving_requests_total</c> sees every answered call. ModelInfer calls the service refused are counted by the
/// service; those that reached the data plane, by the data plane.
/// </summary>
internal static class GrpcRefusals
{
    private const string Protocol = "grpc";

    // grpc-message is percent-encoded; this text needs none.
    private const string UnreadableMessage = "the request could not be read as one protobuf message (bad frame, compression or bytes)";

    // The framework's reasons are short sentences; a longer one is left out rather than cut mid-escape.
    private const int MaxReasonLength = 200;

    // Set in HttpContext.Items on failures that were counted already (by the service or by the data plane).
    private static readonly object Counted = new();

    // Set in HttpContext.Items when the call reached the service (its interceptor ran).
    private static readonly object Reached = new();

    /// <summary>Counts a call the service refused before the data plane, and marks it counted.</summary>
    public static void Count(HttpContext context, string model, InferenceErrorKind kind)
    {
        RefusedRequests.Count(context.RequestServices, model.Length == 0 ? null : model, null, Protocol, kind);
        MarkCounted(context);
    }

    /// <summary>Marks a failed call as counted (the data plane's observers counted it).</summary>
    public static void MarkCounted(HttpContext context) => context.Items[Counted] = Counted;

    /// <summary>Marks a failed call as having reached the service, past everything the framework checks.</summary>
    public static void MarkReached(HttpContext context) => context.Items[Reached] = Reached;

    /// <summary>Endpoint convention: wraps each endpoint of a service (inference, health) to handle what the framework refuses.</summary>
    public static void Wrap(EndpointBuilder builder)
    {
        if (builder.RequestDelegate is not { } next
            || builder.Metadata.OfType<GrpcMethodMetadata>().FirstOrDefault() is not { } grpc)
        {
            return;
        }

        var method = grpc.Method.Name;
        var counts = grpc.Method.ServiceName == GRPCInferenceService.Descriptor.FullName && method == "ModelInfer";
        builder.RequestDelegate = context =>
        {
            var call = next(context);
            if (call.IsCompletedSuccessfully)
            {
                AfterCall(context, method, counts);
                return Task.CompletedTask;
            }

            return AfterAsync(call, context, method, counts);
        };
    }

    private static async Task AfterAsync(Task call, HttpContext context, string method, bool counts)
    {
        await call.ConfigureAwait(false);
        AfterCall(context, method, counts);
    }

    private static void AfterCall(HttpContext context, string method, bool counts)
    {
        // A call refused before any message was sent ends "trailers-only": its grpc-status is in the headers.
        // Successes answer a message first and carry their status in the trailers, so this costs them one lookup
        // (and no Items dictionary: only a failed call is marked, see InferenceExceptionInterceptor).
        if (!context.Response.Headers.TryGetValue("grpc-status", out var value)
            || !int.TryParse(value.ToString(), out var code)
            || code is (int)StatusCode.OK or (int)StatusCode.Cancelled or (int)StatusCode.DeadlineExceeded
            || context.Items.ContainsKey(Reached))
        {
            return;
        }

        if (code is (int)StatusCode.Unknown or (int)StatusCode.Internal && !context.Response.HasStarted)
        {
            // The framework failed to read one message: a bad frame or compression (INTERNAL, or UNKNOWN with an
            // opaque text). The service never ran; it is the caller's bad request. INTERNAL's own text names the
            // cause ("Content-Type 'application/json' is not supported", a compressed flag without grpc-encoding)
            // and is kept after ours; it is already percent-encoded, and ours needs no encoding.
            var reason = code == (int)StatusCode.Internal ? context.Response.Headers["grpc-message"].ToString() : string.Empty;
            code = (int)StatusCode.InvalidArgument;
            context.Response.Headers["grpc-status"] = code.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = reason.Length is > 0 and <= MaxReasonLength ? $"{UnreadableMessage}: {reason}" : UnreadableMessage;
        }

        context.RequestServices.GetService<GrpcRefusalLog>()?.Record(
            method, code, Uri.UnescapeDataString(context.Response.Headers["grpc-message"].ToString()));
        if (counts && !context.Items.ContainsKey(Counted))
        {
            RefusedRequests.Count(context.RequestServices, null, null, Protocol, KindOf((StatusCode)code));
        }
    }

    /// <summary>What the framework's refusals mean: over the size limit is RESOURCE_EXHAUSTED; the rest the caller's bad request.</summary>
    private static InferenceErrorKind KindOf(StatusCode code) => code switch
    {
        StatusCode.ResourceExhausted => InferenceErrorKind.PayloadTooLarge,
        StatusCode.NotFound => InferenceErrorKind.NotFound,
        StatusCode.Unavailable => InferenceErrorKind.Unavailable,
        StatusCode.InvalidArgument or StatusCode.Unknown or StatusCode.Internal or StatusCode.Unimplemented => InferenceErrorKind.BadRequest,
        _ => InferenceErrorKind.Internal,
    };
}
