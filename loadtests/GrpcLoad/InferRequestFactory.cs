using Google.Protobuf;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.LoadTests.GrpcLoad;

/// <summary>Builds the one ModelInferRequest a run sends again and again (protobuf messages serialize concurrently).</summary>
internal static class InferRequestFactory
{
    /// <summary>A [1, k] request for <paramref name="input"/>, typed or raw, in FP32 or FP64.</summary>
    public static ModelInferRequest Create(
        string model, string version, string input, string datatype, LoadMode mode, IReadOnlyList<double> row)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input, Datatype = datatype };
        tensor.Shape.Add([1, row.Count]);
        var request = new ModelInferRequest { ModelName = model, ModelVersion = version };
        request.Inputs.Add(tensor);

        switch (datatype, mode)
        {
            case ("FP32", LoadMode.Typed):
                tensor.Contents = new InferTensorContents();
                tensor.Contents.Fp32Contents.Add(row.Select(v => (float)v));
                break;
            case ("FP64", LoadMode.Typed):
                tensor.Contents = new InferTensorContents();
                tensor.Contents.Fp64Contents.Add(row);
                break;
            case ("FP32", LoadMode.Raw):
                request.RawInputContents.Add(LittleEndian(row, sizeof(float), (b, v) => BitConverter.TryWriteBytes(b, (float)v)));
                break;
            case ("FP64", LoadMode.Raw):
                request.RawInputContents.Add(LittleEndian(row, sizeof(double), (b, v) => BitConverter.TryWriteBytes(b, v)));
                break;
            default:
                throw new NotSupportedException($"input {input} has datatype {datatype}; this client sends FP32 or FP64");
        }

        return request;
    }

    private static ByteString LittleEndian(IReadOnlyList<double> row, int size, Func<Span<byte>, double, bool> write)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("raw tensors are little-endian; this client assumes a little-endian CPU");
        }

        var bytes = new byte[row.Count * size];
        for (var i = 0; i < row.Count; i++)
        {
            write(bytes.AsSpan(i * size, size), row[i]);
        }

        return ByteString.CopyFrom(bytes);
    }
}
