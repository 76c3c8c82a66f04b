using System.Text.Encodings.Web;
using System.Text.Json;
using Serving.Core.Inference;
using Serving.Core.Routing;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// One prediction as a JSON object: id, time, model, version, route, protocol, latency, and every input and
/// output as {name: {datatype, shape, data}} with flat row-major data, which pandas reads with
/// <c>pd.read_json(path, lines=True)</c>.
/// </summary>
public static class PredictionRecordWriter
{
    /// <summary>
    /// What sinks create their writers with: the record is built by this class alone, so the writer's
    /// structure checks are redundant, and text is escaped only where JSON requires it.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // Property names and fixed values encoded once: every record writes all of them (saves the escaping scan).
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText Route = JsonEncodedText.Encode("route");
    private static readonly JsonEncodedText Protocol = JsonEncodedText.Encode("protocol");
    private static readonly JsonEncodedText LatencyMs = JsonEncodedText.Encode("latencyMs");
    private static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText Inputs = JsonEncodedText.Encode("inputs");
    private static readonly JsonEncodedText Outputs = JsonEncodedText.Encode("outputs");
    private static readonly JsonEncodedText DataType = JsonEncodedText.Encode("datatype");
    private static readonly JsonEncodedText Shape = JsonEncodedText.Encode("shape");
    private static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");

    private static readonly JsonEncodedText[] RouteNames =
        [.. Enum.GetNames<RouteKind>().Select(n => JsonEncodedText.Encode(n.ToLowerInvariant()))];

    private static readonly JsonEncodedText[] DataTypeNames =
        [.. Enum.GetValues<TensorDataType>().Select(t => JsonEncodedText.Encode(t.ToProtocolName()))];

    public static void Write(Utf8JsonWriter writer, InferenceRecord record)
    {
        writer.WriteStartObject();
        writer.WriteString(Id, record.Response?.Id ?? record.Request.Id);
        writer.WriteString(Timestamp, record.StartedAt.UtcDateTime);
        writer.WriteString(Model, record.Model);
        writer.WriteNumber(Version, record.Version);
        writer.WriteString(Route, RouteNames[(int)record.Route]);
        writer.WriteString(Protocol, record.Protocol);
        writer.WriteNumber(LatencyMs, Math.Round(record.Latency.TotalMilliseconds, 4));
        if (record.Error is { } error)
        {
            writer.WriteString(Error, error.ToString());
        }

        WriteTensors(writer, Inputs, record.Request.Inputs);
        if (record.Response is { } response)
        {
            WriteTensors(writer, Outputs, response.Outputs);
        }

        writer.WriteEndObject();
    }

    private static void WriteTensors(Utf8JsonWriter writer, JsonEncodedText property, IReadOnlyList<Tensor> tensors)
    {
        writer.WriteStartObject(property);
        for (var i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            writer.WriteStartObject(tensor.Name);
            writer.WriteString(DataType, DataTypeNames[(int)tensor.DataType]);
            writer.WriteStartArray(Shape);
            foreach (var dim in tensor.Shape)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            writer.WritePropertyName(Data);
            TensorJsonWriter.WriteFlat(writer, tensor);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
