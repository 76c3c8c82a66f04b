using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;

namespace Serving.Core.Tests.Runtimes.Onnx;

/// <summary>The committed ONNX fixtures and the outputs numpy or torch computed for them (see Fixtures/make_fixtures.py).</summary>
internal static class OnnxFixtures
{
    private static readonly Lazy<JsonDocument> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(PathOf("expected.json"))));

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Onnx", file);

    public static Tensor[] Inputs(string model) => Read(model, "inputs");

    public static Tensor[] Outputs(string model) => Read(model, "outputs");

    public static Tensor Output(string model, string name) => Outputs(model).Single(t => t.Name == name);

    private static Tensor[] Read(string model, string part) =>
        [.. Expected.Value.RootElement.GetProperty(model).GetProperty(part).EnumerateObject().Select(ToTensor)];

    private static Tensor ToTensor(JsonProperty property)
    {
        var value = property.Value;
        var dataType = TensorDataTypes.Parse(value.GetProperty("datatype").GetString(), property.Name);
        long[] shape = [.. value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
        if (dataType == TensorDataType.Bytes)
        {
            byte[][] elements = [.. value.GetProperty("elements").EnumerateArray().Select(e => Encoding.UTF8.GetBytes(e.GetString()!))];
            return Tensor.FromElements(property.Name, shape, elements);
        }

        return Tensor.FromBytes(property.Name, dataType, shape, value.GetProperty("data").GetBytesFromBase64());
    }
}
