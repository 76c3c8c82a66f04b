using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Gateway.Grpc;

/// <summary>
/// Ends every failed call (of every service the gateway maps) with a status whose message is bounded: an
/// <see cref="InferenceException"/> with the matching code and its message (without this the client would see
/// UNKNOWN and a generic text); a streamed request message that does not parse with INVALID_ARGUMENT; any other
/// exception with INTERNAL, logged here once with its stack trace. The framework's own per-call log is off (see
/// <see cref="OipGrpcExtensions"/>), so this is where handler bugs are logged. It also marks the call as having
/// reached the service, so <see cref="GrpcRefusals"/> can tell the calls the framework refused before it.
/// </summary>
internal sealed partial class InferenceExceptionInterceptor(ILogger<InferenceExceptionInterceptor> logger, IOptions<RequestLimits> limits) : Interceptor
{
    private readonly int _maxMessageLength = limits.Value.MaxStatusMessageLength;

    private const string InternalMessage = "the gateway failed to answer this call; the failure is in its log";

    private const string UnparsableMessage = "a request message could not be parsed (malformed protobuf, or a string that is not UTF-8)";

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
        catch (Exception exception) when (Replace(exception, context) is { } replacement)
        {
            throw replacement;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        GrpcRefusals.MarkReached(context.GetHttpContext());
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Replace(exception, context) is { } replacement)
        {
            throw replacement;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        GrpcRefusals.MarkReached(context.GetHttpContext());
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Replace(exception, context) is { } replacement)
        {
            throw replacement;
        }
    }

    /// <summary>The exception that ends the call instead, or null to let this one through (cancellation, a bounded status).</summary>
    private RpcException? Replace(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case InferenceException inference:
                return InferenceStatusCodes.ToRpcException(inference, _maxMessageLength);
            case RpcException rpc:
                return rpc.Status.Detail.Length > _maxMessageLength
                    ? new RpcException(InferenceStatusCodes.Bounded(rpc.StatusCode, rpc.Status.Detail, _maxMessageLength), rpc.Trailers)
                    : null;
            case OperationCanceledException:
                return null;
            case InvalidProtocolBufferException:
                // A streamed request is parsed inside the handler; its bytes are the caller's, not worth a log line.
                return new RpcException(new Status(StatusCode.InvalidArgument, UnparsableMessage));
            default:
                HandlerFailed(logger, context.Method, exception);
                return new RpcException(new Status(StatusCode.Internal, InternalMessage));
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Error, Message = "gRPC {Method} failed unexpectedly")]
    private static partial void HandlerFailed(ILogger logger, string method, Exception exception);
}
