using Grpc.Core;
using Serving.Core.Contracts;

namespace Serving.Gateway.Grpc;

/// <summary>Maps the data plane's failure kinds to gRPC status codes.</summary>
public static class InferenceStatusCodes
{
    /// <summary>The gRPC status code for a failure kind.</summary>
    public static StatusCode ToStatusCode(InferenceErrorKind kind) => kind switch
    {
        InferenceErrorKind.BadRequest => StatusCode.InvalidArgument,
        InferenceErrorKind.NotFound => StatusCode.NotFound,
        InferenceErrorKind.Unavailable => StatusCode.Unavailable,
        InferenceErrorKind.PayloadTooLarge => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    };

    /// <summary>
    /// A status whose message is cut to <paramref name="maxLength"/> characters (<c>Serving:Limits:MaxStatusMessageLength</c>),
    /// control characters escaped. Messages may quote the caller's names, and a client cannot read trailers over its
    /// header limit (16 to 64 KB): that call, and the next on the same channel, would hang until their deadline.
    /// </summary>
    public static Status Bounded(StatusCode code, string? detail, int maxLength) => new(code, CallerText.Cut(detail, maxLength));

    /// <summary>The trailer that names the version routing chose, on a call that failed after routing.</summary>
    public const string ModelVersionTrailer = "x-model-version";

    /// <summary>
    /// The exception that ends a call with the failure's code and its message (bounded); a failure after routing names the
    /// chosen version in the <c>x-model-version</c> trailer (a success names it in <c>model_version</c>).
    /// </summary>
    public static RpcException ToRpcException(InferenceException exception, int maxMessageLength)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var status = Bounded(ToStatusCode(exception.Kind), exception.Message, maxMessageLength);
        return exception.ModelVersion is { } version
            ? new RpcException(status, new Metadata { { ModelVersionTrailer, CallerText.Cut(version) } })
            : new RpcException(status);
    }
}
