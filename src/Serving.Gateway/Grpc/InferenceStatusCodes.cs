using Grpc.Core;
using Serving.Core.Inference;

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

    /// <summary>The exception that ends a call with the failure's code and its message.</summary>
    public static RpcException ToRpcException(InferenceException exception) =>
        new(new Status(ToStatusCode(exception.Kind), exception.Message));
}
