using Google.Protobuf;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Tests.Grpc.Codecs;

/// <summary>Builds wire requests for the tests.</summary>
internal static class GrpcRequests
{
    public static ModelInferRequest.Types.InferInputTensor Input(string name, string datatype, long[] shape, InferTensorContents? contents = null)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype, Contents = contents };
        input.Shape.AddRange(shape);
        return input;
    }

    public static ModelInferRequest Typed(params ModelInferRequest.Types.InferInputTensor[] inputs)
    {
        var request = new ModelInferRequest { ModelName = "m" };
        request.Inputs.AddRange(inputs);
        return request;
    }

    public static ModelInferRequest Raw(ModelInferRequest.Types.InferInputTensor[] inputs, params byte[][] blobs)
    {
        var request = Typed(inputs);
        foreach (var blob in blobs)
        {
            request.RawInputContents.Add(ByteString.CopyFrom(blob));
        }

        return request;
    }

    public static ModelInferRequest FromSample(DatatypeSample sample, bool raw) =>
        raw
            ? Raw([Input("x", sample.Datatype, sample.Shape)], sample.Raw)
            : Typed(Input("x", sample.Datatype, sample.Shape, sample.Typed!.Clone()));
}
