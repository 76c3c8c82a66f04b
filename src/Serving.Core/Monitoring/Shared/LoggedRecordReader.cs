using System.Globalization;
using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Routing;

namespace Serving.Core.Monitoring.Shared;

/// <summary>
/// Reads a logged prediction (the JSON object <see cref="Logging.PredictionRecordWriter"/> writes) back into the
/// <see cref="InferenceRecord"/> the monitors take, so that monitors fed from the shared Redis streams see what they
/// would have seen in the process that served the request: the same tensors (floats are logged in round-trip form,
/// non-finite ones as null, read back as NaN), version, route, time and latency.
/// </summary>
public static class LoggedRecordReader
{
    /// <summary>The record, or null when the JSON is not a logged prediction this reader understands.</summary>
    public static InferenceRecord? Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            return Read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    private static InferenceRecord? Read(JsonElement root)
    {
        var model = root.GetProperty("model").GetString();
        if (string.IsNullOrEmpty(model) || !root.TryGetProperty("inputs", out var inputsJson))
            return null;
        var id = root.TryGetProperty("id", out var idJson) && idJson.ValueKind == JsonValueKind.String ? idJson.GetString() : null;
        var version = root.GetProperty("version").GetInt32();
        var route = Enum.Parse<RouteKind>(root.GetProperty("route").GetString()!, ignoreCase: true);
        var protocol = root.TryGetProperty("protocol", out var p) ? p.GetString() ?? "rest" : "rest";
        var startedAt = DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var latency = root.TryGetProperty("latencyMs", out var l) ? TimeSpan.FromMilliseconds(l.GetDouble()) : TimeSpan.Zero;
        InferenceErrorKind? error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
            ? Enum.Parse<InferenceErrorKind>(e.GetString()!, ignoreCase: true)
            : null;
        if (Tensors(inputsJson) is not { } inputs)
            return null;
        var versionText = version.ToString(CultureInfo.InvariantCulture);
        var request = new InferenceRequest { ModelName = model, Version = versionText, Id = id, RoutedAs = route, Inputs = inputs, Protocol = protocol };
        InferenceResponse? response = null;
        if (root.TryGetProperty("outputs", out var outputsJson))
        {
            if (Tensors(outputsJson) is not { } outputs)
                return null;
            response = new InferenceResponse { ModelName = model, ModelVersion = versionText, Route = route, Id = id, Outputs = outputs };
        }

        return new InferenceRecord(model, version, route, protocol, startedAt, latency, error, request, response);
    }

    private static List<Tensor>? Tensors(JsonElement tensors)
    {
        var list = new List<Tensor>();
        foreach (var property in tensors.EnumerateObject())
        {
            if (Tensor(property.Name, property.Value) is not { } tensor)
                return null;
            list.Add(tensor);
        }

        return list;
    }

    private static Tensor? Tensor(string name, JsonElement json)
    {
        if (!TensorDataTypes.TryParse(json.GetProperty("datatype").GetString(), out var type))
            return null;
        var shape = json.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var data = json.GetProperty("data");
        var count = data.GetArrayLength();
        return type switch
        {
            TensorDataType.FP32 => Values(name, type, shape, data, count, v => v.ValueKind == JsonValueKind.Null ? float.NaN : v.GetSingle()),
            TensorDataType.FP64 => Values(name, type, shape, data, count, v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()),
            TensorDataType.FP16 => Values(name, type, shape, data, count, v => v.ValueKind == JsonValueKind.Null ? Half.NaN : (Half)v.GetSingle()),
            TensorDataType.BF16 => Values(name, type, shape, data, count, v => (ushort)(BitConverter.SingleToInt32Bits(v.ValueKind == JsonValueKind.Null ? float.NaN : v.GetSingle()) >>> 16)),
            TensorDataType.Int64 => Values(name, type, shape, data, count, v => v.GetInt64()),
            TensorDataType.Int32 => Values(name, type, shape, data, count, v => v.GetInt32()),
            TensorDataType.Int16 => Values(name, type, shape, data, count, v => v.GetInt16()),
            TensorDataType.Int8 => Values(name, type, shape, data, count, v => v.GetSByte()),
            TensorDataType.UInt64 => Values(name, type, shape, data, count, v => v.GetUInt64()),
            TensorDataType.UInt32 => Values(name, type, shape, data, count, v => v.GetUInt32()),
            TensorDataType.UInt16 => Values(name, type, shape, data, count, v => v.GetUInt16()),
            TensorDataType.UInt8 => Values(name, type, shape, data, count, v => v.GetByte()),
            TensorDataType.Bool => Values(name, type, shape, data, count, v => v.GetBoolean() ? (byte)1 : (byte)0),
            TensorDataType.Bytes => Contracts.Tensor.FromElements(name, shape, [.. data.EnumerateArray().Select(v => Encoding.UTF8.GetBytes(v.GetString() ?? string.Empty))]),
            _ => null,
        };
    }

    private static Tensor Values<T>(string name, TensorDataType type, long[] shape, JsonElement data, int count, Func<JsonElement, T> read)
        where T : unmanaged
    {
        var values = new T[count];
        var i = 0;
        foreach (var v in data.EnumerateArray())
            values[i++] = read(v);
        return Contracts.Tensor.FromValues<T>(name, type, shape, values);
    }
}
