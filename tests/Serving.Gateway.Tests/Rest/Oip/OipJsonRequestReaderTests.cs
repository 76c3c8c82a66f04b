using System.Globalization;
using System.Text;
using Serving.Core.Contracts;
using Serving.Gateway.Rest.Oip;

namespace Serving.Gateway.Tests.Rest.Oip;

public sealed class OipJsonRequestReaderTests
{
    private static InferenceRequest Read(string json) => OipJsonRequestReader.Read(Encoding.UTF8.GetBytes(json), "m", null);

    private static InferenceException Bad(string json)
    {
        var error = Assert.Throws<InferenceException>(() => Read(json));
        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        return error;
    }

    [Fact]
    public void Reads_id_inputs_and_requested_outputs()
    {
        var request = Read("""
            {"id": "r1", "parameters": {"x": 1},
             "inputs": [{"name": "in", "shape": [2, 2], "datatype": "FP32", "data": [1, 2.5, -3, 4e2]}],
             "outputs": [{"name": "label", "parameters": {}}]}
            """);

        Assert.Equal("r1", request.Id);
        Assert.Equal(["label"], request.RequestedOutputs!);
        var input = Assert.Single(request.Inputs);
        Assert.Equal([2L, 2L], input.Shape);
        Assert.Equal([1f, 2.5f, -3f, 400f], input.AsSpan<float>().ToArray());
    }

    [Fact]
    public void Nested_data_is_read_row_major_like_flat_data()
    {
        var nested = Read("""{"inputs":[{"name":"in","shape":[2,3],"datatype":"INT64","data":[[1,2,3],[4,5,6]]}]}""");
        var flat = Read("""{"inputs":[{"name":"in","shape":[2,3],"datatype":"INT64","data":[1,2,3,4,5,6]}]}""");

        Assert.Equal(flat.Inputs[0].Data, nested.Inputs[0].Data);
        Assert.Equal([1L, 2, 3, 4, 5, 6], nested.Inputs[0].AsSpan<long>().ToArray());
    }

    [Fact]
    public void Data_may_come_before_datatype_and_shape()
    {
        var request = Read("""{"inputs":[{"data":[true,false],"name":"b","datatype":"BOOL","shape":[2]}]}""");

        Assert.Equal([(byte)1, (byte)0], request.Inputs[0].Data);
    }

    [Theory]
    [InlineData("UINT8", "[0,255]", new byte[] { 0, 255 })]
    [InlineData("INT8", "[-128,127]", new byte[] { 0x80, 0x7F })]
    [InlineData("INT16", "[-2,1]", new byte[] { 0xFE, 0xFF, 1, 0 })]
    [InlineData("UINT16", "[65535,1]", new byte[] { 0xFF, 0xFF, 1, 0 })]
    [InlineData("FP16", "[1,-2]", new byte[] { 0x00, 0x3C, 0x00, 0xC0 })]
    public void Every_small_numeric_type_is_encoded_little_endian(string datatype, string data, byte[] expected)
    {
        var request = Read($$"""{"inputs":[{"name":"x","shape":[2],"datatype":"{{datatype}}","data":{{data}}}]}""");

        Assert.Equal(expected, request.Inputs[0].Data);
    }

    [Fact]
    public void Wide_types_keep_their_full_range()
    {
        var request = Read("""
            {"inputs":[
              {"name":"a","shape":[1],"datatype":"UINT64","data":[18446744073709551615]},
              {"name":"b","shape":[1],"datatype":"INT32","data":[-2147483648]},
              {"name":"c","shape":[1],"datatype":"UINT32","data":[4294967295]},
              {"name":"d","shape":[1],"datatype":"FP64","data":[0.1]}]}
            """);

        Assert.Equal(ulong.MaxValue, request.Inputs[0].AsSpan<ulong>()[0]);
        Assert.Equal(int.MinValue, request.Inputs[1].AsSpan<int>()[0]);
        Assert.Equal(uint.MaxValue, request.Inputs[2].AsSpan<uint>()[0]);
        Assert.Equal(0.1, request.Inputs[3].AsSpan<double>()[0]);
    }

    [Fact]
    public void Bytes_are_read_as_utf8_strings()
    {
        var request = Read("""{"inputs":[{"name":"t","shape":[2],"datatype":"BYTES","data":["héllo","\u0041"]}]}""");

        Assert.Equal(["héllo", "A"], request.Inputs[0].Elements!.Select(e => Encoding.UTF8.GetString(e)));
    }

    [Fact]
    public void NaN_and_infinity_named_as_strings_reach_validation()
    {
        var request = Read("""{"inputs":[{"name":"x","shape":[3],"datatype":"FP32","data":["NaN","Infinity","-Infinity"]}]}""");

        var values = request.Inputs[0].AsSpan<float>().ToArray();
        Assert.True(float.IsNaN(values[0]));
        Assert.Equal(float.PositiveInfinity, values[1]);
        Assert.Equal(float.NegativeInfinity, values[2]);
    }

    [Theory]
    [InlineData("""[1,2,3]""", "the request body must be a JSON object")]
    [InlineData("""{"inputs":[]}""", "the request has no 'inputs'")]
    [InlineData("""{"id":5,"inputs":[]}""", "'id' must be a string")]
    [InlineData("""{"inputs":{}}""", "'inputs' must be an array")]
    [InlineData("""{"inputs":[{"shape":[1],"datatype":"FP32","data":[1]}]}""", "inputs[0] has no 'name'")]
    [InlineData("""{"inputs":[{"name":"x","datatype":"FP32","data":[1]}]}""", "input 'x' has no 'shape'")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"data":[1]}]}""", "input 'x' has no 'datatype'")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32"}]}""", "input 'x' has no 'data'")]
    [InlineData("""{"inputs":[{"name":"x","shape":[-1],"datatype":"FP32","data":[1]}]}""", "shape must hold non-negative integers")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FLOAT32","data":[1]}]}""", "unknown datatype 'FLOAT32'")]
    [InlineData("""{"inputs":[{"name":"x","shape":[3],"datatype":"FP32","data":[1,2]}]}""", "shape [3] needs 3 values but data has 2")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1,2]}]}""", "shape [1] needs 1 values but data has 2")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":["a"]}]}""", "element 0 is \"a\", which is not a valid FP32 value")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"INT8","data":[300]}]}""", "value 300 at element 0 is out of range for INT8")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"INT64","data":[1.5]}]}""", "element 0 is 1.5, which is not a valid INT64 value")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[{"a":1}]}]}""", "data holds a JSON object")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[null]}]}""", "data holds a null")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1000000000,1000000000],"datatype":"FP32","data":[1]}]}""", "needs 1000000000000000000 values but data holds fewer")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"BF16","data":[1]}]}""", "BF16 can only be sent as raw binary")]
    public void Malformed_requests_are_refused_with_a_message_that_says_what_is_wrong(string json, string message)
    {
        Assert.Contains(message, Bad(json).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"inputs":[{"name":"y","shape":[1],"datatype":"FP32","data":[2]}]}""", "the request has 'inputs' more than once")]
    [InlineData("""{"id":"a","inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"id":"b"}""", "the request has 'id' more than once")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[],"outputs":[]}""", "the request has 'outputs' more than once")]
    [InlineData("""{"parameters":{},"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"parameters":{}}""", "the request has 'parameters' more than once")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],"name":"y"}]}""", "input 'x' has 'name' more than once")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","datatype":"INT64","data":[1]}]}""", "input 'x' has 'datatype' more than once")]
    [InlineData("""{"inputs":[{"shape":[1],"shape":[2],"name":"x","datatype":"FP32","data":[1]}]}""", "inputs[0] has 'shape' more than once")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],"data":[2]}]}""", "input 'x' has 'data' more than once")]
    [InlineData("""{"inputs":[{"data":[1],"data":[2],"name":"x","shape":[1],"datatype":"FP32"}]}""", "inputs[0] has 'data' more than once")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],"parameters":{},"parameters":{}}]}""", "input 'x' has 'parameters' more than once")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"a","name":"b"}]}""", "outputs[0] has 'name' more than once")]
    public void A_member_given_twice_is_refused_rather_than_one_copy_guessed(string json, string message)
    {
        Assert.Contains(message, Bad(json).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_members_may_repeat_and_are_ignored()
    {
        var request = Read("""{"future":1,"future":2,"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],"extra":0,"extra":1}]}""");

        Assert.Equal("x", Assert.Single(request.Inputs).Name);
    }

    [Theory]
    [InlineData("""{"inputs": [""")]
    [InlineData("""{"inputs": [NaN]}""")]
    [InlineData("""not json""")]
    public void Broken_json_raises_a_json_error(string json)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => Read(json));
    }
    [Fact]
    public void Flat_fp32_data_reads_to_the_same_floats_as_a_full_parse()
    {
        // Short decimals take the byte-level fast path; the rest (exponents, 8+ digits) fall back to the JSON reader.
        var random = new Random(15);
        var texts = new List<string> { "0", "-0", "0.1", "17.99", "-0.0001", "16777215", "16777217", "1e5", "-2.5E-3", "123.4567", "0.2776" };
        for (var i = 0; i < 500; i++)
        {
            var value = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 8)));
            texts.Add(i % 2 == 0 ? value.ToString("R", CultureInfo.InvariantCulture) : Math.Round(value, random.Next(0, 6)).ToString(CultureInfo.InvariantCulture));
        }

        var request = Read($$"""{"inputs":[{"name":"x","shape":[{{texts.Count}}],"datatype":"FP32","data":[ {{string.Join(" ,\n", texts)}} ]}]}""");

        var values = request.Inputs[0].AsSpan<float>().ToArray();
        Assert.Equal(texts.Count, values.Length);
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = float.Parse(texts[i], CultureInfo.InvariantCulture);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(values[i]), $"'{texts[i]}' read as {values[i]:R}, not {expected:R}");
        }
    }

    [Fact]
    public void Members_after_a_flat_data_array_are_still_read()
    {
        var request = Read("""
            {"inputs":[{"name":"a","shape":[2,2],"datatype":"FP32","data":[1.5,2,3,-4.25],"parameters":{"p":[1,2]}},
                       {"name":"b","shape":[1],"datatype":"FP32","data":[ 0.5 ]}],
             "outputs":[{"name":"y"}],"id":"after"}
            """);

        Assert.Equal("after", request.Id);
        Assert.Equal(["y"], request.RequestedOutputs!);
        Assert.Equal([1.5f, 2f, 3f, -4.25f], request.Inputs[0].AsSpan<float>().ToArray());
        Assert.Equal([2L, 2L], request.Inputs[0].Shape);
        Assert.Equal("b", request.Inputs[1].Name);
        Assert.Equal([0.5f], request.Inputs[1].AsSpan<float>().ToArray());
    }

    [Theory]
    [InlineData("01")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("-.5")]
    [InlineData("1,")]
    [InlineData("1 2")]
    public void Numbers_json_forbids_are_refused_in_flat_fp32_data(string data)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => Read($$"""{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[{{data}}]}]}"""));
    }

    [Fact]
    public void Broken_json_after_a_flat_data_array_is_still_refused()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => Read("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]]]}"""));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => Read("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]"""));
    }
}
