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
/// <see cref="OipGrpcExtensions"/>), so this is where handler bugs are logged. A failed call is also marked as
/// having reached the service, so <see cref="GrpcRefusals"/> can tell the calls the framework refused before it.
/// </summary>
/// <remarks>
/// One instance serves every call (a DI singleton). All its work is on the failure path: a call that succeeds
/// passes through without a state machine, and is not marked, since only a failed call's status can be mistaken
/// for a refusal (a success carries its status in the trailers, after its message).
/// </remarks>
internal sealed partial class InferenceExceptionInterceptor(ILogger<InferenceExceptionInterceptor> logger, IOptions<RequestLimits> limits) : Interceptor
{
    private readonly int _maxMessageLength = limits.Value.MaxStatusMessageLength;

    private const string InternalMessage = "the gateway failed to answer this call; the failure is in its log";

    private const string UnparsableMessage = "a request message could not be parsed (malformed protobuf, or a string that is not UTF-8)";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Task<TResponse> call;
        try
        {
            // A handler that is not async (ServerLive, ModelReady) throws here rather than in its task.
            call = continuation(request, context);
        }
        catch (Exception exception) when (Replace(exception, context) is { } replacement)
        {
            throw replacement;
        }

        return call.IsCompletedSuccessfully ? call : Awaited(call, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
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
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Replace(exception, context) is { } replacement)
        {
            throw replacement;
        }
    }

    private async Task<TResponse> Awaited<TResponse>(Task<TResponse> call, ServerCallContext context)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception exception) when (Replace(exception, context) is { } replacement)
        {
            throw replacement;
        }
    }

    /// <summary>The exception that ends the call instead, or null to let this one through (cancellation, a bounded status).</summary>
    private RpcException? Replace(Exception exception, ServerCallContext context)
    {
        // The service ran: whatever status this call ends with is its own, not a refusal by the framework.
        GrpcRefusals.MarkReached(context.GetHttpContext());
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
