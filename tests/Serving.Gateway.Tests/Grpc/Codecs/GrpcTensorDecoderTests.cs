using Google.Protobuf;
using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Codecs;
using Serving.Gateway.Grpc.Protocol;
using static Serving.Gateway.Tests.Grpc.Codecs.GrpcRequests;

namespace Serving.Gateway.Tests.Grpc.Codecs;

public sealed class GrpcTensorDecoderTests
{
    [Theory]
    [MemberData(nameof(DatatypeSamples.Typed), MemberType = typeof(DatatypeSamples))]
    public void Typed_contents_decode_to_little_endian_canonical_bytes(string datatype)
    {
        var sample = DatatypeSamples.Get(datatype);

        var tensor = GrpcTensorDecoder.Decode(FromSample(sample, raw: false)).Inputs[0];

        Assert.Equal(datatype, tensor.DataType.ToProtocolName());
        Assert.Equal(sample.Shape, tensor.Shape);
        if (datatype == "BYTES")
        {
            Assert.Equal(DatatypeSamples.BytesElements, tensor.Elements);
        }
        else
        {
            Assert.Equal(sample.Raw, tensor.Data);
        }
    }

    [Theory]
    [MemberData(nameof(DatatypeSamples.Raw), MemberType = typeof(DatatypeSamples))]
    public void Raw_contents_decode_to_the_same_tensor_as_typed_ones(string datatype)
    {
        var sample = DatatypeSamples.Get(datatype);

        var tensor = GrpcTensorDecoder.Decode(FromSample(sample, raw: true)).Inputs[0];

        Assert.Equal(datatype, tensor.DataType.ToProtocolName());
        Assert.Equal(sample.Shape, tensor.Shape);
        if (datatype == "BYTES")
        {
            Assert.Equal(DatatypeSamples.BytesElements, tensor.Elements);
        }
        else
        {
            Assert.Equal(sample.Raw, tensor.Data);
        }
    }

    [Fact]
    public void Raw_blobs_are_matched_to_inputs_in_order()
    {
        var request = Raw(
            [Input("a", "UINT8", [1]), Input("b", "INT16", [1])],
            [7],
            [0x01, 0x02]);

        var inputs = GrpcTensorDecoder.Decode(request).Inputs;

        Assert.Equal([7], inputs[0].Data);
        Assert.Equal(0x0201, inputs[1].AsSpan<short>()[0]);
    }

    [Fact]
    public void Raw_data_is_copied_out_of_the_message()
    {
        var blob = new byte[] { 1, 2, 3, 4 };
        var request = Typed(Input("x", "FP32", [1]));
        request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(blob));

        var tensor = GrpcTensorDecoder.Decode(request).Inputs[0];
        blob[0] = 99;

        Assert.Equal([1, 2, 3, 4], tensor.Data);
    }

    [Fact]
    public void Request_fields_map_to_the_canonical_request()
    {
        var request = Typed(Input("x", "FP32", [1], new() { Fp32Contents = { 1f } }));
        request.ModelName = "iris";
        request.ModelVersion = "3";
        request.Id = "req-7";
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "probabilities" });

        var decoded = GrpcTensorDecoder.Decode(request);

        Assert.Equal("iris", decoded.ModelName);
        Assert.Equal("3", decoded.Version);
        Assert.Equal("req-7", decoded.Id);
        Assert.Equal(["probabilities"], decoded.RequestedOutputs);
        Assert.Equal("grpc", decoded.Protocol);
    }

    [Fact]
    public void Empty_version_id_and_outputs_mean_none_given()
    {
        var decoded = GrpcTensorDecoder.Decode(Typed(Input("x", "FP32", [1], new() { Fp32Contents = { 1f } })));

        Assert.Null(decoded.Version);
        Assert.Null(decoded.Id);
        Assert.Null(decoded.RequestedOutputs);
    }

    [Fact]
    public void A_zero_dimension_makes_an_empty_tensor()
    {
        var tensor = GrpcTensorDecoder.Decode(Typed(Input("x", "FP32", [0, 4]))).Inputs[0];

        Assert.Equal([0L, 4L], tensor.Shape);
        Assert.Empty(tensor.Data);
    }

    [Fact]
    public void An_empty_contents_message_next_to_raw_data_is_accepted()
    {
        var request = Raw([Input("x", "UINT8", [1], new InferTensorContents())], [5]);

        Assert.Equal([5], GrpcTensorDecoder.Decode(request).Inputs[0].Data);
    }

    [Fact]
    public void UsesRawContents_is_true_only_with_raw_blobs()
    {
        Assert.True(GrpcTensorDecoder.UsesRawContents(Raw([Input("x", "UINT8", [1])], [5])));
        Assert.False(GrpcTensorDecoder.UsesRawContents(Typed(Input("x", "UINT8", [1], new() { UintContents = { 5 } }))));
    }
}
