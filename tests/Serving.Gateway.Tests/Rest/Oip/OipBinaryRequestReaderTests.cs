using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serving.Core.Contracts;
using Serving.Gateway.Rest.Oip;

namespace Serving.Gateway.Tests.Rest.Oip;

/// <summary>Triton's binary tensor data layout decoded into the same canonical request as JSON.</summary>
public sealed class OipBinaryRequestReaderTests
{
    private static InferenceRequest Read(string json, byte[] binary, out OipBinaryOutputs? outputs)
    {
        var head = Encoding.UTF8.GetBytes(json);
        var headers = new HeaderDictionary { [BinaryTensorData.Header] = head.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return OipBinaryRequestReader.Read([.. head, .. binary], headers, "m", null, 64, keepJsonText: false, out outputs);
    }

    private static InferenceRequest Read(string json, params byte[][] parts) => Read(json, [.. parts.SelectMany(p => p)], out _);

    private static InferenceRequest ReadJson(string json) => OipJsonRequestReader.Read(Encoding.UTF8.GetBytes(json), "m", null);

    private static string Bad(Func<InferenceRequest> read)
    {
        var error = Assert.Throws<InferenceException>(() => read());
        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        return error.Message;
    }

    [Fact]
    public void A_binary_fp32_input_is_the_same_tensor_as_its_json()
    {
        float[] values = [1.5f, -2.25f, 17.99f, 0.2776f, float.Epsilon, 3e38f];

        var binary = Read("""{"inputs":[{"name":"x","shape":[3,2],"datatype":"FP32","parameters":{"binary_data_size":24}}]}""", BinaryTensorData.Bytes<float>(values));
        var json = ReadJson("""{"inputs":[{"name":"x","shape":[3,2],"datatype":"FP32","data":[1.5,-2.25,17.99,0.2776,1.401298464324817E-45,3E+38]}]}""");

        var a = Assert.Single(binary.Inputs);
        var b = Assert.Single(json.Inputs);
        Assert.Equal(b.Name, a.Name);
        Assert.Equal(b.DataType, a.DataType);
        Assert.Equal(b.Shape, a.Shape);
        Assert.Equal(b.Data, a.Data);
    }

    [Fact]
    public void Binary_bytes_elements_are_the_strings_json_would_give()
    {
        string[] values = ["Paris", string.Empty, "São Paulo", "東京"];

        var bytes = BinaryTensorData.Strings(values);

        var binary = Read($$$"""{"inputs":[{"name":"city","shape":[2,2],"datatype":"BYTES","parameters":{"binary_data_size":{{{bytes.Length}}}}}]}""", bytes);
        var json = ReadJson("""{"inputs":[{"name":"city","shape":[2,2],"datatype":"BYTES","data":["Paris","","São Paulo","東京"]}]}""");

        Assert.Equal(4 * 4 + 5 + 0 + 10 + 6, bytes.Length);
        Assert.Equal(json.Inputs[0].Elements!, binary.Inputs[0].Elements!);
        Assert.Equal([2L, 2L], binary.Inputs[0].Shape);
    }

    [Fact]
    public void Binary_bytes_go_to_the_inputs_that_ask_for_them_in_input_order_around_json_inputs()
    {
        var request = Read(
            """
            {"inputs":[
              {"parameters":{"binary_data_size":16},"name":"a","datatype":"INT64","shape":[2]},
              {"name":"b","shape":[2],"datatype":"FP32","data":[7,8]},
              {"name":"c","shape":[1],"datatype":"UINT8","parameters":{"binary_data_size":1,"other":"kept out"}}]}
            """,
            BinaryTensorData.Bytes<long>([long.MinValue, 42]),
            [200]);

        Assert.Equal([long.MinValue, 42L], request.Inputs[0].AsSpan<long>().ToArray());
        Assert.Equal([7f, 8f], request.Inputs[1].AsSpan<float>().ToArray());
        Assert.Equal([(byte)200], request.Inputs[2].Data);
    }

    [Fact]
    public void Binary_output_choices_follow_the_request_and_each_output_wins()
    {
        Read(
            """{"parameters":{"binary_data_output":true},"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"label","parameters":{"binary_data":false}},{"name":"probability"}]}""",
            [],
            out var outputs);

        Assert.NotNull(outputs);
        Assert.False(outputs.IsBinary("label"));
        Assert.True(outputs.IsBinary("probability"));
        Assert.True(outputs.IsBinary("unlisted"));
    }

    [Fact]
    public void A_request_that_says_nothing_of_binary_outputs_has_no_choices()
    {
        var request = OipBinaryRequestReader.Read(
            """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"parameters":{"x":1}}"""u8, new HeaderDictionary(), "m", null, 64, keepJsonText: false, out var outputs);

        Assert.Null(outputs);
        Assert.Equal([1f], request.Inputs[0].AsSpan<float>().ToArray());
    }

    [Fact]
    public void A_single_output_asked_for_as_binary_is_the_only_binary_one()
    {
        Read("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"parameters":{"binary_data":true},"name":"probability"}]}""", [], out var outputs);

        Assert.True(outputs!.IsBinary("probability"));
        Assert.False(outputs.IsBinary("label"));
    }

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { """{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","parameters":{"binary_data_size":20}}]}""", new byte[20], "is 6 elements x 4 bytes = 24 bytes" },
        { """{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}}]}""", new byte[4], "only 4 of the 4 bytes after the JSON header are left" },
        { """{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}}]}""", new byte[12], "4 of the 12 bytes after the JSON header belong to no input" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}""", new byte[3], "3 of the 3 bytes after the JSON header belong to no input" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],"parameters":{"binary_data_size":4}}]}""", new byte[4], "has both 'data' and parameters.binary_data_size" },
        { """{"inputs":[{"name":"x","parameters":{"binary_data_size":4},"data":[1],"shape":[1],"datatype":"FP32"}]}""", new byte[4], "has both 'data' and parameters.binary_data_size" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","parameters":{"binary_data_size":-4}}]}""", new byte[4], "binary_data_size must be a whole number of bytes" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","parameters":{"binary_data_size":"4"}}]}""", new byte[4], "binary_data_size must be a whole number of bytes" },
        { """{"inputs":[{"name":"x","shape":[1],"parameters":{"binary_data_size":4}}]}""", new byte[4], "has no 'datatype'" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"FP99","parameters":{"binary_data_size":4}}]}""", new byte[4], "unknown datatype 'FP99'" },
        { """{"inputs":[{"name":"x","shape":[4611686018427387904,4],"datatype":"FP32","parameters":{"binary_data_size":4}}]}""", new byte[4], "is too large" },
        { """{"inputs":[{"name":"s","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":6}}]}""", [9, 0, 0, 0, 65, 66], "element 0 declares 9 bytes but only 2 are left" },
        { """{"inputs":[{"name":"s","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":7}}]}""", [2, 0, 0, 0, 65, 66, 67], "1 bytes are left after the last element" },
        { """{"inputs":[{"name":"s","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":6}}]}""", [2, 0, 0, 0, 65, 66], "cannot hold that many length-prefixed elements" },
        { """{"inputs":[{"name":"s","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":9}}]}""", [2, 0, 0, 0, 65, 66, 0, 0, 0], "the bytes end after 1 elements" },
        { """{"parameters":{"binary_data_output":"yes"},"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}""", [], "parameters.binary_data_output must be true or false" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"y","parameters":{"binary_data":1}}]}""", [], "outputs[0].parameters.binary_data must be true or false" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_binary_requests_are_bad_requests_that_say_why(string json, byte[] binary, string expected)
    {
        Assert.Contains(expected, Bad(() => Read(json, binary, out _)), StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_data_size_without_the_header_says_the_header_is_missing()
    {
        var message = Bad(() => OipBinaryRequestReader.Read(
            """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","parameters":{"binary_data_size":4}}]}"""u8, new HeaderDictionary(), "m", null, 64, keepJsonText: false, out _));

        Assert.Contains("no binary part", message, StringComparison.Ordinal);
        Assert.Contains(BinaryTensorData.Header, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", "must be the JSON part's length in bytes")]
    [InlineData("-1", "must be the JSON part's length in bytes")]
    [InlineData(" 10", "must be the JSON part's length in bytes")]
    [InlineData("99999999999999999999", "must be the JSON part's length in bytes")]
    [InlineData("1000", "the whole body is only")]
    public void A_header_that_is_not_a_length_within_the_body_is_a_bad_request(string header, string expected)
    {
        var body = """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}"""u8.ToArray();

        var message = Bad(() => OipBinaryRequestReader.Read(body, new HeaderDictionary { [BinaryTensorData.Header] = header }, "m", null, 64, keepJsonText: false, out _));

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_given_twice_is_a_bad_request()
    {
        var body = """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}"""u8.ToArray();
        var headers = new HeaderDictionary { [BinaryTensorData.Header] = new(["4", "4"]) };

        Assert.Contains("given 2 times", Bad(() => OipBinaryRequestReader.Read(body, headers, "m", null, 64, keepJsonText: false, out _)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_that_cuts_the_json_short_leaves_malformed_json_for_the_usual_400()
    {
        Assert.ThrowsAny<JsonException>(() =>
            OipBinaryRequestReader.Read("{\"inputs\":[]}"u8, new HeaderDictionary { [BinaryTensorData.Header] = "5" }, "m", null, 64, keepJsonText: false, out _));
    }
}
