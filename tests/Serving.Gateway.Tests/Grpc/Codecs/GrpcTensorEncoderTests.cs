using System.Buffers;
using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Codecs;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Tests.Grpc.Codecs;

public sealed class GrpcTensorEncoderTests
{
    [Theory]
    [MemberData(nameof(DatatypeSamples.TypedOutputs), MemberType = typeof(DatatypeSamples))]
    public void Typed_outputs_carry_the_contents_field_of_their_datatype(string datatype)
    {
        var sample = DatatypeSamples.Get(datatype);

        var output = Encode(Response(DatatypeSamples.Canonical(sample)), rawOutputs: false).Outputs[0];

        Assert.Equal(datatype, output.Datatype);
        Assert.Equal(sample.Shape, output.Shape);
        Assert.Equal(sample.Typed, output.Contents);
    }

    [Theory]
    [InlineData("FP16")]
    [InlineData("BF16")]
    public void Half_precision_output_makes_the_whole_answer_raw(string datatype)
    {
        var half = DatatypeSamples.Canonical(DatatypeSamples.Get(datatype));
        var other = Tensor.FromBytes("z", TensorDataType.UInt8, [1], [9]);

        var encoded = Encode(Response(other, half), rawOutputs: false);

        Assert.All(encoded.Outputs, output => Assert.Null(output.Contents));
        Assert.Equal([[9], DatatypeSamples.Get(datatype).Raw], encoded.RawOutputContents.Select(b => b.ToByteArray()));
    }

    [Theory]
    [MemberData(nameof(DatatypeSamples.Raw), MemberType = typeof(DatatypeSamples))]
    public void Raw_outputs_carry_little_endian_blobs_and_no_contents(string datatype)
    {
        var sample = DatatypeSamples.Get(datatype);

        var encoded = Encode(Response(DatatypeSamples.Canonical(sample)), rawOutputs: true);

        Assert.Equal(sample.Raw, encoded.RawOutputContents.Single().ToByteArray());
        Assert.Null(encoded.Outputs[0].Contents);
        Assert.Equal(datatype, encoded.Outputs[0].Datatype);
        Assert.Equal(sample.Shape, encoded.Outputs[0].Shape);
    }

    [Fact]
    public void Raw_outputs_keep_output_order()
    {
        var response = Response(
            Tensor.FromBytes("first", TensorDataType.UInt8, [1], [1]),
            Tensor.FromBytes("second", TensorDataType.UInt8, [2], [2, 3]));

        var encoded = Encode(response, rawOutputs: true);

        Assert.Equal(["first", "second"], encoded.Outputs.Select(o => o.Name));
        Assert.Equal([[1], [2, 3]], encoded.RawOutputContents.Select(b => b.ToByteArray()));
    }

    [Fact]
    public void Response_echoes_id_and_names_the_version_that_served()
    {
        var response = new InferenceResponse
        {
            ModelName = "iris",
            ModelVersion = "4",
            Id = "req-9",
            Outputs = [],
        };

        var encoded = Encode(response, rawOutputs: false);

        Assert.Equal("iris", encoded.ModelName);
        Assert.Equal("4", encoded.ModelVersion);
        Assert.Equal("req-9", encoded.Id);
    }

    [Fact]
    public void Missing_id_is_sent_as_empty()
    {
        Assert.Equal(string.Empty, Encode(Response(), rawOutputs: false).Id);
    }

    /// <summary>The answer as the gateway sends it (a raw request's answer is raw), parsed back into a message.</summary>
    private static ModelInferResponse Encode(InferenceResponse response, bool rawOutputs)
    {
        var raw = GrpcTensorEncoder.AnswersRaw(response, rawOutputs);
        var buffer = new ArrayBufferWriter<byte>(Math.Max(1, GrpcTensorEncoder.Size(response, raw)));
        GrpcTensorEncoder.Write(response, raw, buffer);
        return ModelInferResponse.Parser.ParseFrom(buffer.WrittenSpan);
    }

    private static InferenceResponse Response(params Tensor[] outputs) =>
        new() { ModelName = "m", ModelVersion = "1", Outputs = outputs };
}
