using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Codecs;
using Serving.Gateway.Grpc.Protocol;
using static Serving.Gateway.Tests.Grpc.Codecs.GrpcRequests;

namespace Serving.Gateway.Tests.Grpc.Codecs;

public sealed class GrpcTensorDecoderValidationTests
{
    [Fact]
    public void Unknown_datatype_is_a_bad_request_naming_the_input()
    {
        var message = BadRequest(Typed(Input("petal", "FLOAT", [1], new() { Fp32Contents = { 1f } })));

        Assert.Contains("'petal'", message);
        Assert.Contains("'FLOAT'", message);
    }

    [Fact]
    public void Typed_value_count_must_match_the_shape()
    {
        var message = BadRequest(Typed(Input("x", "FP32", [2, 2], new() { Fp32Contents = { 1f, 2f, 3f } })));

        Assert.Contains("'x'", message);
        Assert.Contains("needs 4 values in contents.fp32_contents; got 3", message);
    }

    [Fact]
    public void Values_in_the_wrong_typed_field_are_not_read()
    {
        var message = BadRequest(Typed(Input("x", "INT64", [2], new() { IntContents = { 1, 2 } })));

        Assert.Contains("contents.int64_contents", message);
    }

    [Fact]
    public void Missing_contents_is_a_bad_request()
    {
        var message = BadRequest(Typed(Input("x", "FP32", [1])));

        Assert.Contains("needs 1 values", message);
    }

    [Theory]
    [InlineData("INT8", 128)]
    [InlineData("INT8", -129)]
    [InlineData("INT16", 32768)]
    public void Signed_values_out_of_range_are_bad_requests(string datatype, int value)
    {
        var message = BadRequest(Typed(Input("x", datatype, [1], new() { IntContents = { value } })));

        Assert.Contains($"value {value} at element 0 is out of range for {datatype}", message);
    }

    [Theory]
    [InlineData("UINT8", 256u)]
    [InlineData("UINT16", 65536u)]
    public void Unsigned_values_out_of_range_are_bad_requests(string datatype, uint value)
    {
        var message = BadRequest(Typed(Input("x", datatype, [1], new() { UintContents = { value } })));

        Assert.Contains($"out of range for {datatype}", message);
    }

    [Fact]
    public void BF16_has_no_typed_form()
    {
        var message = BadRequest(Typed(Input("x", "BF16", [1], new() { Fp32Contents = { 1f } })));

        Assert.Contains("raw_input_contents", message);
    }

    [Fact]
    public void Negative_dimension_is_a_bad_request()
    {
        var message = BadRequest(Typed(Input("x", "FP32", [-1, 2], new() { Fp32Contents = { 1f, 2f } })));

        Assert.Contains("[-1,2] has a negative dimension", message);
    }

    [Fact]
    public void Shape_whose_element_count_overflows_is_a_bad_request()
    {
        var message = BadRequest(Typed(Input("x", "FP32", [long.MaxValue, 2])));

        Assert.Contains("too many elements", message);
    }

    [Fact]
    public void Shape_whose_other_dimensions_overflow_is_a_bad_request_even_with_a_zero()
    {
        // Empty, but 2^62 x 2^62 cannot be counted: REST refuses it, and so must gRPC, or the record of the refused
        // call would overflow in whatever counts its elements later (the prediction log did).
        var message = BadRequest(Typed(Input("x", "FP32", [1L << 62, 1L << 62, 0])));

        Assert.Contains("too many elements", message);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    public void Raw_blob_size_must_match_the_shape(int size)
    {
        var message = BadRequest(Raw([Input("x", "FP32", [2])], new byte[size]));

        Assert.Contains($"'x' (FP32 [2]): raw_input_contents holds {size} bytes; expected 2 elements x 4 bytes = 8", message);
    }

    [Fact]
    public void Raw_blob_count_must_match_the_inputs()
    {
        var message = BadRequest(Raw([Input("a", "UINT8", [1]), Input("b", "UINT8", [1])], [1]));

        Assert.Contains("1 entries for 2 inputs", message);
    }

    [Fact]
    public void Raw_and_typed_data_may_not_be_mixed()
    {
        var message = BadRequest(Raw(
            [Input("a", "UINT8", [1]), Input("b", "UINT8", [1], new() { UintContents = { 1 } })],
            [1],
            [2]));

        Assert.Contains("'b' sets contents while the request uses raw_input_contents", message);
    }

    [Fact]
    public void Raw_BYTES_element_longer_than_the_blob_is_a_bad_request()
    {
        var message = BadRequest(Raw([Input("s", "BYTES", [1])], [5, 0, 0, 0, (byte)'a', (byte)'b']));

        Assert.Contains("'s': BYTES element 0 declares 5 bytes but only 2 remain", message);
    }

    [Fact]
    public void Raw_BYTES_with_fewer_elements_than_the_shape_is_a_bad_request()
    {
        var message = BadRequest(Raw([Input("s", "BYTES", [2])], [1, 0, 0, 0, (byte)'a', 0, 0, 0]));

        Assert.Contains("the blob ends after 1 elements", message);
    }

    [Fact]
    public void Raw_BYTES_with_more_elements_than_the_shape_is_a_bad_request()
    {
        var message = BadRequest(Raw([Input("s", "BYTES", [1])], [1, 0, 0, 0, (byte)'a', 1, 0, 0, 0, (byte)'b']));

        Assert.Contains("5 bytes are left after the last element", message);
    }

    [Fact]
    public void Raw_BYTES_shape_larger_than_the_blob_can_hold_is_refused_before_allocating()
    {
        var message = BadRequest(Raw([Input("s", "BYTES", [1L << 40])], [0, 0, 0, 0]));

        Assert.Contains("a 4-byte blob cannot hold that many", message);
    }

    [Fact]
    public void Missing_model_name_is_a_bad_request()
    {
        var request = Typed(Input("x", "FP32", [1], new() { Fp32Contents = { 1f } }));
        request.ModelName = string.Empty;

        Assert.Contains("model_name is required", BadRequest(request));
    }

    [Fact]
    public void Input_without_a_name_is_a_bad_request()
    {
        Assert.Contains("input 0 has no name", BadRequest(Typed(Input(string.Empty, "FP32", [1], new() { Fp32Contents = { 1f } }))));
    }

    private static string BadRequest(ModelInferRequest request)
    {
        var exception = Assert.Throws<InferenceException>(() => GrpcTensorDecoder.Decode(request));
        Assert.Equal(InferenceErrorKind.BadRequest, exception.Kind);
        return exception.Message;
    }
}
