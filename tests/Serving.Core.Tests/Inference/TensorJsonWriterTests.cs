using System.Globalization;
using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Core.Tests.Inference;

public sealed class TensorJsonWriterTests
{
    [Fact]
    public void Writes_fp32_arrays_with_the_shortest_round_trip_text_and_null_for_non_finite_values()
    {
        float[] values = [17.99f, -0.006399f, 1001f, 1e-7f, 3.4028235e38f, float.NaN, float.PositiveInfinity, 0.12345679f, -0f];
        var json = Write(writer => TensorJsonWriter.WriteFlat(writer, Tensor.FromValues<float>("x", TensorDataType.FP32, [values.Length], values)));

        Assert.Equal("[17.99,-0.006399,1001,1E-07,3.4028235E+38,null,null,0.12345679,-0]", json);
    }

    [Fact]
    public void Writes_long_fp32_arrays_element_by_element_with_the_same_text()
    {
        var random = new Random(4);
        var values = Enumerable.Range(0, 300).Select(_ => (float)Math.Round(random.NextDouble() * 100, random.Next(0, 5))).ToArray();
        var json = Write(writer => TensorJsonWriter.WriteFlat(writer, Tensor.FromValues<float>("x", TensorDataType.FP32, [values.Length], values)));

        var expected = "[" + string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";
        Assert.Equal(expected, json);
    }

    [Fact]
    public void Places_a_raw_array_correctly_inside_an_object()
    {
        float[] values = [0.5f, 2f];
        var json = Write(writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("data");
            TensorJsonWriter.WriteFlat(writer, Tensor.FromValues<float>("x", TensorDataType.FP32, [2], values));
            writer.WriteString("after", "yes");
            writer.WriteEndObject();
        });

        using var document = JsonDocument.Parse(json);
        Assert.Equal(2f, document.RootElement.GetProperty("data")[1].GetSingle());
        Assert.Equal("yes", document.RootElement.GetProperty("after").GetString());
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
