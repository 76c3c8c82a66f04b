using System.Buffers;
using Google.Protobuf;
using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Codecs;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Tests.Grpc.Codecs;

/// <summary>
/// The encoder writes the wire format itself; these hold its bytes to protobuf's own serializer for the same
/// message, byte for byte, and its size to what it writes, however the output hands out room.
/// </summary>
public sealed class GrpcTensorEncoderWireTests
{
    [Theory]
    [MemberData(nameof(DatatypeSamples.TypedOutputs), MemberType = typeof(DatatypeSamples))]
    public void Typed_answers_are_the_bytes_protobuf_writes(string datatype)
    {
        var sample = DatatypeSamples.Get(datatype);
        var expected = Message(Output(sample.Datatype, sample.Shape, sample.Typed));

        Assert.Equal(expected.ToByteArray(), Written(Response(DatatypeSamples.Canonical(sample)), raw: false));
    }

    [Theory]
    [MemberData(nameof(DatatypeSamples.Raw), MemberType = typeof(DatatypeSamples))]
    public void Raw_answers_are_the_bytes_protobuf_writes(string datatype)
    {
        var sample = DatatypeSamples.Get(datatype);
        var expected = Message(Output(sample.Datatype, sample.Shape, contents: null));
        expected.RawOutputContents.Add(ByteString.CopyFrom(sample.Raw));

        Assert.Equal(expected.ToByteArray(), Written(Response(DatatypeSamples.Canonical(sample)), raw: true));
    }

    [Fact]
    public void Empty_and_scalar_outputs_are_the_bytes_protobuf_writes()
    {
        // An empty typed output still carries an (empty) contents message; a scalar has no shape field.
        var response = Response(
            Tensor.FromBytes("empty", TensorDataType.FP32, [0, 3], []),
            Tensor.FromBytes("scalar", TensorDataType.Int64, [], BitConverter.GetBytes(-7L)));
        var expected = Message(
            Output("FP32", [0, 3], new InferTensorContents(), "empty"),
            Output("INT64", [], new InferTensorContents { Int64Contents = { -7 } }, "scalar"));

        Assert.Equal(expected.ToByteArray(), Written(response, raw: false));
    }

    [Fact]
    public void Long_and_non_ascii_strings_are_the_bytes_protobuf_writes()
    {
        // Past the in-place limit the id is encoded through a copy; names may hold any Unicode.
        var id = string.Concat(Enumerable.Repeat("é-ü-€-", 400));
        var response = new InferenceResponse
        {
            ModelName = "modèle",
            ModelVersion = "7",
            Id = id,
            Outputs = [Tensor.FromBytes("größe", TensorDataType.UInt8, [1], [5])],
        };
        var expected = new ModelInferResponse { ModelName = "modèle", ModelVersion = "7", Id = id };
        expected.Outputs.Add(Output("UINT8", [1], new InferTensorContents { UintContents = { 5 } }, "größe"));

        Assert.Equal(expected.ToByteArray(), Written(response, raw: false));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_large_answer_written_in_small_pieces_is_whole(bool raw)
    {
        // 100,000 floats through an output that hands out at most 16 bytes at a time (or what is asked for).
        var values = Enumerable.Range(0, 100_000).Select(i => i * 0.5f - 1000f).ToArray();
        var tensor = Tensor.FromValues<float>("big", TensorDataType.FP32, [values.Length], values);
        var output = new SmallPieces(16);

        var response = Response(tensor);
        GrpcTensorEncoder.Write(response, raw, output);

        Assert.Equal(GrpcTensorEncoder.Size(response, raw), output.Written.Length);
        var parsed = ModelInferResponse.Parser.ParseFrom(output.Written);
        var floats = raw
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(parsed.RawOutputContents[0].Span).ToArray()
            : [.. parsed.Outputs[0].Contents.Fp32Contents];
        Assert.Equal(values, floats); // the same bits, copied: no tolerance needed
    }

    [Fact]
    public void The_answer_to_a_typed_request_with_a_half_precision_output_is_raw()
    {
        var response = Response(DatatypeSamples.Canonical(DatatypeSamples.Get("BF16")));

        Assert.True(GrpcTensorEncoder.AnswersRaw(response, rawRequest: false));
        Assert.False(GrpcTensorEncoder.AnswersRaw(Response(DatatypeSamples.Canonical(DatatypeSamples.Get("FP32"))), rawRequest: false));
        Assert.True(ModelInferAnswer.For(response, rawRequest: false).Raw);
    }

    private static byte[] Written(InferenceResponse response, bool raw)
    {
        var output = new ArrayBufferWriter<byte>();
        GrpcTensorEncoder.Write(response, raw, output);
        Assert.Equal(GrpcTensorEncoder.Size(response, raw), output.WrittenCount);
        return output.WrittenSpan.ToArray();
    }

    private static ModelInferResponse Message(params ModelInferResponse.Types.InferOutputTensor[] outputs)
    {
        var message = new ModelInferResponse { ModelName = "m", ModelVersion = "1" };
        message.Outputs.Add(outputs);
        return message;
    }

    private static ModelInferResponse.Types.InferOutputTensor Output(string datatype, long[] shape, InferTensorContents? contents, string name = "y")
    {
        var output = new ModelInferResponse.Types.InferOutputTensor { Name = name, Datatype = datatype, Contents = contents };
        output.Shape.Add(shape);
        return output;
    }

    private static InferenceResponse Response(params Tensor[] outputs) =>
        new() { ModelName = "m", ModelVersion = "1", Outputs = outputs };

    /// <summary>An output that hands out room in pieces of at most <c>piece</c> bytes (more only when asked).</summary>
    private sealed class SmallPieces(int piece) : IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> inner = new();

        public byte[] Written => inner.WrittenSpan.ToArray();

        public void Advance(int count) => inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            var memory = inner.GetMemory(sizeHint);
            return memory[..Math.Min(memory.Length, Math.Max(sizeHint, piece))];
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
