using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;

namespace Serving.Core.Inference;

/// <summary>
/// Writes tensor elements as JSON values in their own type: FP32 as float (shortest text that round-trips),
/// integers as integers, BOOL as true/false, BYTES as UTF-8 strings. JSON has no NaN or infinity: OIP
/// answers write them as null, MLflow answers as the bare literals Python's json module writes.
/// </summary>
public static class TensorJsonWriter
{
    // FP32 arrays up to this many elements are formatted into a stack buffer and handed to the writer whole.
    private const int MaxStackFloats = 64;

    /// <summary>Writes all elements as one flat array.</summary>
    [SkipLocalsInit] // the text buffer is written before it is read; zeroing it would cost more than filling it
    public static void WriteFlat(Utf8JsonWriter writer, Tensor tensor)
    {
        if (tensor.DataType == TensorDataType.FP32 && tensor.ElementCount <= MaxStackFloats)
        {
            // One raw value instead of one writer call per element: the writer's per-value bookkeeping
            // (separator, buffer checks) cost as much as formatting the number.
            Span<byte> text = stackalloc byte[MaxArrayBytes(MaxStackFloats)];
            writer.WriteRawValue(text[..FormatArray(tensor.AsSpan<float>(), text)], skipInputValidation: true);
            return;
        }

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

    /// <summary>Bytes <see cref="FormatArray"/> may need for this many values.</summary>
    public static int MaxArrayBytes(int count) => 2 + (count * (ShortFloatText.MaxLength + 1));

    /// <summary>Writes [v0,v1,...] into text (<see cref="MaxArrayBytes"/> long); non-finite values as null. Returns the length.</summary>
    public static int FormatArray(ReadOnlySpan<float> values, Span<byte> text)
    {
        var at = 0;
        text[at++] = (byte)'[';
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                text[at++] = (byte)',';
            }

            var value = values[i];
            if (float.IsFinite(value))
            {
                at += ShortFloatText.Format(value, text[at..]);
            }
            else
            {
                "null"u8.CopyTo(text[at..]);
                at += 4;
            }
        }

        text[at++] = (byte)']';
        return at;
    }

    [SkipLocalsInit]
    private static void WriteSingle(Utf8JsonWriter writer, float value, NonFiniteJson nonFinite)
    {
        if (float.IsFinite(value))
        {
            Span<byte> text = stackalloc byte[ShortFloatText.MaxLength];
            writer.WriteRawValue(text[..ShortFloatText.Format(value, text)], skipInputValidation: true);
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
