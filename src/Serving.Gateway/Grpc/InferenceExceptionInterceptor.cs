using Grpc.Core;
using Grpc.Core.Interceptors;
using Serving.Core.Inference;

namespace Serving.Gateway.Grpc;

/// <summary>
/// Ends a call that failed with an <see cref="InferenceException"/> with the matching status and the exception's
/// message; without it the client would see UNKNOWN and a generic text.
/// </summary>
internal sealed class InferenceExceptionInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (InferenceException exception)
        {
            throw InferenceStatusCodes.ToRpcException(exception);
        }
    }
}
