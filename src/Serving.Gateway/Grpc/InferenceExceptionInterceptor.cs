using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Serving.Core.Inference;

namespace Serving.Gateway.Grpc;

/// <summary>
/// Ends every failed call of the inference service with a status whose message is bounded: an
/// <see cref="InferenceException"/> with the matching code and its message (without this the client would see
/// UNKNOWN and a generic text); any other exception with INTERNAL, logged here once with its stack trace. The
/// framework's own per-call log is off (see <see cref="OipGrpcExtensions"/>), so this is where handler bugs are
/// logged. It also marks the call as having reached the service, so <see cref="GrpcRefusals"/> can tell the calls
/// the framework refused before it (a request that could not be read).
/// </summary>
internal sealed partial class InferenceExceptionInterceptor(ILogger<InferenceExceptionInterceptor> logger) : Interceptor
{
    private const string InternalMessage = "the gateway failed to answer this call; the failure is in its log";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        GrpcRefusals.MarkReached(context.GetHttpContext());
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (InferenceException exception)
        {
            throw InferenceStatusCodes.ToRpcException(exception);
        }
        catch (RpcException exception) when (exception.Status.Detail.Length > InferenceStatusCodes.MaxStatusDetail)
        {
            throw new RpcException(InferenceStatusCodes.Bounded(exception.StatusCode, exception.Status.Detail), exception.Trailers);
        }
        catch (Exception exception) when (exception is not (RpcException or OperationCanceledException))
        {
            HandlerFailed(logger, context.Method, exception);
            throw new RpcException(new Status(StatusCode.Internal, InternalMessage));
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Error, Message = "gRPC {Method} failed unexpectedly")]
    private static partial void HandlerFailed(ILogger logger, string method, Exception exception);
}
