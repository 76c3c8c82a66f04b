using System.Buffers;
using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Gateway.Rest.Oip;

namespace Serving.Gateway.Tests.Rest.Oip;

public sealed class OipJsonResponseWriterTests
{
    private static JsonElement Write(params Tensor[] outputs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            OipJsonResponseWriter.WriteInferResponse(writer, new InferenceResponse { ModelName = "m", ModelVersion = "3", Id = "abc", Outputs = outputs });
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement;
    }

    [Fact]
    public void Writes_model_version_id_and_flat_outputs()
    {
        var json = Write(
            Tensor.FromValues("label", TensorDataType.Int64, [2], (ReadOnlySpan<long>)[0L, 1L]),
            Tensor.FromValues("probability", TensorDataType.FP32, [2, 2], (ReadOnlySpan<float>)[0.25f, 0.75f, 0.1f, 0.9f]));

        Assert.Equal("m", json.GetProperty("model_name").GetString());
        Assert.Equal("3", json.GetProperty("model_version").GetString());
        Assert.Equal("abc", json.GetProperty("id").GetString());
        var probability = json.GetProperty("outputs")[1];
        Assert.Equal("FP32", probability.GetProperty("datatype").GetString());
        Assert.Equal([2, 2], probability.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("[0.25,0.75,0.1,0.9]", probability.GetProperty("data").GetRawText());
    }

    [Fact]
    public void Floats_are_written_in_their_own_precision_and_non_finite_values_as_null()
    {
        var json = Write(Tensor.FromValues("p", TensorDataType.FP32, [3], (ReadOnlySpan<float>)[0.1f, float.NaN, 1f / 3]));

        Assert.Equal("[0.1,null,0.33333334]", json.GetProperty("outputs")[0].GetProperty("data").GetRawText());
    }

    [Fact]
    public void Bool_and_bytes_are_written_as_json_booleans_and_strings()
    {
        var json = Write(
            Tensor.FromBytes("b", TensorDataType.Bool, [2], [1, 0]),
            Tensor.FromElements("s", [1], [Encoding.UTF8.GetBytes("it's")]));

        Assert.Equal("[true,false]", json.GetProperty("outputs")[0].GetProperty("data").GetRawText());
        Assert.Equal("it's", json.GetProperty("outputs")[1].GetProperty("data")[0].GetString());
    }
}
