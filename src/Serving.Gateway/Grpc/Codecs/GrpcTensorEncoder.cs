using Google.Protobuf;
using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Grpc.Codecs;

/// <summary>Encodes the canonical <see cref="InferenceResponse"/> as an OIP v2 <see cref="ModelInferResponse"/>.</summary>
public static class GrpcTensorEncoder
{
    /// <summary>
    /// Encodes the response. With <paramref name="rawOutputs"/> (the answer to a raw request) the data goes to
    /// <c>raw_output_contents</c>, one blob per output in output order, and the outputs carry metadata only;
    /// otherwise each output carries typed contents. An FP16 or BF16 output makes the whole answer raw, because
    /// the specification gives those types no typed field and forbids mixing raw and typed outputs.
    /// </summary>
    public static ModelInferResponse Encode(InferenceResponse response, bool rawOutputs)
    {
        var outputs = response.Outputs;
        var raw = rawOutputs || HasRawOnlyOutput(outputs);
        var message = new ModelInferResponse
        {
            ModelName = response.ModelName,
            ModelVersion = response.ModelVersion,
            Id = response.Id ?? string.Empty,
        };

        message.Outputs.Capacity = outputs.Count;
        for (var i = 0; i < outputs.Count; i++)
        {
            var tensor = outputs[i];
            var output = new ModelInferResponse.Types.InferOutputTensor
            {
                Name = tensor.Name,
                Datatype = tensor.DataType.ToProtocolName(),
            };
            output.Shape.AddRange(tensor.Shape.AsSpan());
            if (raw)
            {
                message.RawOutputContents.Add(RawBlob(tensor));
            }
            else
            {
                output.Contents = TypedContentsWriter.Write(tensor);
            }

            message.Outputs.Add(output);
        }

        return message;
    }

    private static bool HasRawOnlyOutput(IReadOnlyList<Tensor> outputs)
    {
        for (var i = 0; i < outputs.Count; i++)
        {
            if (outputs[i].DataType is TensorDataType.FP16 or TensorDataType.BF16)
            {
                return true;
            }
        }

        return false;
    }

    // The response owns its tensors once the data plane returns them, so wrapping without a copy is safe.
    private static ByteString RawBlob(Tensor tensor) =>
        UnsafeByteOperations.UnsafeWrap(
            tensor.DataType == TensorDataType.Bytes ? BytesElementFraming.Join(tensor.Elements ?? []) : tensor.Data);
}
