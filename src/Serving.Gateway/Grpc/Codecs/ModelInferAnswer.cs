using Grpc.Core;
using Serving.Core.Contracts;

namespace Serving.Gateway.Grpc.Codecs;

/// <summary>
/// What <c>ModelInfer</c> returns: the data plane's answer, sized for the wire, which its <see cref="Marshaller"/>
/// writes as a <c>ModelInferResponse</c> straight into the response (<see cref="GrpcTensorEncoder"/>).
/// </summary>
/// <remarks>
/// Sizing happens when the answer is made, inside the service, so an output that cannot be encoded fails the call
/// there with the service's own error handling; writing can then no longer fail.
/// </remarks>
public sealed class ModelInferAnswer
{
    private ModelInferAnswer(InferenceResponse response, bool raw, int size)
    {
        Response = response;
        Raw = raw;
        Size = size;
    }

    /// <summary>Writes answers as <c>ModelInferResponse</c> messages; the server never reads one.</summary>
    public static Marshaller<ModelInferAnswer> Marshaller { get; } = new(Serialize, Deserialize);

    /// <summary>The data plane's answer.</summary>
    public InferenceResponse Response { get; }

    /// <summary>Whether the outputs' data go in <c>raw_output_contents</c>.</summary>
    public bool Raw { get; }

    /// <summary>The encoded message's size in bytes.</summary>
    public int Size { get; }

    /// <summary>The answer to a request that was raw (<paramref name="rawRequest"/>) or typed.</summary>
    public static ModelInferAnswer For(InferenceResponse response, bool rawRequest)
    {
        var raw = GrpcTensorEncoder.AnswersRaw(response, rawRequest);
        return new ModelInferAnswer(response, raw, GrpcTensorEncoder.Size(response, raw));
    }

    private static void Serialize(ModelInferAnswer answer, SerializationContext context)
    {
        context.SetPayloadLength(answer.Size);
        GrpcTensorEncoder.Write(answer.Response, answer.Raw, context.GetBufferWriter());
        context.Complete();
    }

    private static ModelInferAnswer Deserialize(DeserializationContext context) =>
        throw new NotSupportedException("the gateway writes ModelInferResponse messages; it does not read them");
}
