using System.Text.Json;
using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// One prediction as a JSON object: id, time, model, version, route, protocol, latency, and every input and
/// output as {name: {datatype, shape, data}} with flat row-major data, which pandas reads with
/// <c>pd.read_json(path, lines=True)</c>.
/// </summary>
public static class PredictionRecordWriter
{
    private static readonly string[] RouteNames = [.. Enum.GetNames<Serving.Core.Routing.RouteKind>().Select(n => n.ToLowerInvariant())];

    public static void Write(Utf8JsonWriter writer, InferenceRecord record)
    {
        writer.WriteStartObject();
        writer.WriteString("id", record.Response?.Id ?? record.Request.Id);
        writer.WriteString("timestamp", record.StartedAt.UtcDateTime);
        writer.WriteString("model", record.Model);
        writer.WriteNumber("version", record.Version);
        writer.WriteString("route", RouteNames[(int)record.Route]);
        writer.WriteString("protocol", record.Protocol);
        writer.WriteNumber("latencyMs", Math.Round(record.Latency.TotalMilliseconds, 4));
        if (record.Error is { } error)
        {
            writer.WriteString("error", error.ToString());
        }

        WriteTensors(writer, "inputs", record.Request.Inputs);
        if (record.Response is { } response)
        {
            WriteTensors(writer, "outputs", response.Outputs);
        }

        writer.WriteEndObject();
    }

    private static void WriteTensors(Utf8JsonWriter writer, string property, IReadOnlyList<Tensor> tensors)
    {
        writer.WriteStartObject(property);
        foreach (var tensor in tensors)
        {
            writer.WriteStartObject(tensor.Name);
            writer.WriteString("datatype", tensor.DataType.ToProtocolName());
            writer.WriteStartArray("shape");
            foreach (var dim in tensor.Shape)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("data");
            TensorJsonWriter.WriteFlat(writer, tensor);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
