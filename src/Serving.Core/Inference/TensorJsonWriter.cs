using System.Text;
using System.Text.Json;

namespace Serving.Core.Inference;

/// <summary>
/// Writes tensor elements as JSON values in their own type: FP32 as float (shortest text that round-trips),
/// integers as integers, BOOL as true/false, BYTES as UTF-8 strings. JSON has no NaN or infinity: OIP
/// answers write them as null, MLflow answers as the bare literals Python's json module writes.
/// </summary>
public static class TensorJsonWriter
{
    /// <summary>Writes all elements as one flat array.</summary>
    public static void WriteFlat(Utf8JsonWriter writer, Tensor tensor)
    {
        writer.WriteStartArray();
        WriteRange(writer, tensor, 0, (int)tensor.ElementCount, NonFiniteJson.Null);
        writer.WriteEndArray();
    }

    /// <summary>Writes elements [start, start+count) as bare values, for callers that shape rows themselves.</summary>
    public static void WriteRange(Utf8JsonWriter writer, Tensor tensor, int start, int count, NonFiniteJson nonFinite)
    {
        var end = start + count;
        switch (tensor.DataType)
        {
            case TensorDataType.FP32:
                var floats = tensor.AsSpan<float>();
                for (var i = start; i < end; i++)
                {
                    WriteSingle(writer, floats[i], nonFinite);
                }

                break;
            case TensorDataType.FP64:
                var doubles = tensor.AsSpan<double>();
                for (var i = start; i < end; i++)
                {
                    WriteDouble(writer, doubles[i], nonFinite);
                }

                break;
            case TensorDataType.FP16:
                var halves = tensor.AsSpan<Half>();
                for (var i = start; i < end; i++)
                {
                    WriteSingle(writer, (float)halves[i], nonFinite);
                }

                break;
            case TensorDataType.BF16:
                var raw = tensor.AsSpan<ushort>();
                for (var i = start; i < end; i++)
                {
                    WriteSingle(writer, BitConverter.Int32BitsToSingle(raw[i] << 16), nonFinite);
                }

                break;
            case TensorDataType.Int64:
                foreach (var v in tensor.AsSpan<long>()[start..end])
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Int32:
                foreach (var v in tensor.AsSpan<int>()[start..end])
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Int16:
                foreach (var v in tensor.AsSpan<short>()[start..end])
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Int8:
                foreach (var v in tensor.AsSpan<sbyte>()[start..end])
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt64:
                foreach (var v in tensor.AsSpan<ulong>()[start..end])
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt32:
                foreach (var v in tensor.AsSpan<uint>()[start..end])
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt16:
                foreach (var v in tensor.AsSpan<ushort>()[start..end])
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt8:
                foreach (var v in tensor.Data.AsSpan(start, count))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Bool:
                foreach (var v in tensor.Data.AsSpan(start, count))
                {
                    writer.WriteBooleanValue(v != 0);
                }

                break;
            case TensorDataType.Bytes:
                for (var i = start; i < end; i++)
                {
                    // Invalid UTF-8 becomes U+FFFD rather than failing a prediction the model did make.
                    writer.WriteStringValue(Encoding.UTF8.GetString(tensor.Elements![i]));
                }

                break;
        }
    }

    private static void WriteSingle(Utf8JsonWriter writer, float value, NonFiniteJson nonFinite)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(writer, value, nonFinite);
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value, NonFiniteJson nonFinite)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(writer, value, nonFinite);
        }
    }

    private static void WriteNonFinite(Utf8JsonWriter writer, double value, NonFiniteJson nonFinite)
    {
        if (nonFinite == NonFiniteJson.Null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteRawValue(double.IsNaN(value) ? "NaN"u8 : value > 0 ? "Infinity"u8 : "-Infinity"u8, skipInputValidation: true);
    }
}
