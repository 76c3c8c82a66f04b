using Grpc.Core;
using Serving.Gateway.Grpc.Codecs;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Grpc;

/// <summary>
/// Binds the inference service as its generated code does, except that a request which does not parse as its
/// protobuf message (not protobuf at all, or a string field that is not UTF-8) ends the call with
/// INVALID_ARGUMENT. The generated parser throws, and the framework would answer any exception from it with
/// UNKNOWN and log it as a server error with its stack trace, once per call: a flood of garbage must not do that.
/// </summary>
/// <remarks>
/// Found by the framework through <see cref="BindServiceMethodAttribute"/> on <see cref="GrpcInferenceService"/>.
/// <c>ModelInfer</c> is bound with its answer as <see cref="ModelInferAnswer"/>, written straight to the wire, so
/// the service does not derive from the generated base class (whose ModelInfer returns the message object); the
/// framework binds the service's own virtual methods by name instead.
/// </remarks>
public static class StrictRequestBinding
{
    /// <summary>The service's protobuf descriptor; server reflection looks for it beside the bind method.</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => GRPCInferenceService.Descriptor;

    /// <summary>The status message of a request that does not parse.</summary>
    public static string Undecodable(string messageType) =>
        $"the request is not a valid {messageType}: its protobuf could not be parsed (malformed bytes, or a string that is not UTF-8)";

    /// <summary>Binds every method of the service with request parsing that refuses bad bytes as INVALID_ARGUMENT.</summary>
    public static void BindService(ServiceBinderBase serviceBinder, GrpcInferenceService? serviceImpl) =>
        GRPCInferenceService.BindService(new Binder(serviceBinder), null);

    private static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var parse = method.RequestMarshaller.ContextualDeserializer;
        var message = Undecodable("inference." + typeof(TRequest).Name);
        var requests = new Marshaller<TRequest>(
            method.RequestMarshaller.ContextualSerializer,
            context =>
            {
                try
                {
                    return parse(context);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Only the bytes can make a parser fail; what they held is not worth a log line per call.
                    throw new RpcException(new Status(StatusCode.InvalidArgument, message));
                }
            });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, requests, method.ResponseMarshaller);
    }

    /// <summary>Passes each method on with strict request parsing.</summary>
    private sealed class Binder(ServiceBinderBase inner) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            if (method is Method<ModelInferRequest, ModelInferResponse> infer)
            {
                // The same method on the wire; its answer is written by ModelInferAnswer's marshaller.
                var answered = new Method<ModelInferRequest, ModelInferAnswer>(
                    infer.Type, infer.ServiceName, infer.Name, infer.RequestMarshaller, ModelInferAnswer.Marshaller);
                inner.AddMethod(Strict(answered), (UnaryServerMethod<ModelInferRequest, ModelInferAnswer>?)null);
                return;
            }

            inner.AddMethod(Strict(method), handler);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(Strict(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(Strict(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(Strict(method), handler);
    }
}
