using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;

namespace Serving.Gateway.Rest.Oip;

/// <summary>
/// Decodes the <c>data</c> member of an OIP JSON input (flat or nested, row-major) straight into the canonical
/// tensor bytes of the declared datatype, with range checks per type.
/// </summary>
internal static class OipTensorDataReader
{
    /// <summary>
    /// Decodes one <c>data</c> value. <paramref name="reader"/> stands on the value's first token and is left on
    /// its last; <paramref name="bytesLeft"/> bounds how many values the rest of the body could hold.
    /// </summary>
    public static Tensor Read(ref Utf8JsonReader reader, long bytesLeft, string name, TensorDataType type, long[] shape)
    {
        long expected;
        try
        {
            expected = TensorDataTypes.ElementCount(shape);
        }
        catch (OverflowException)
        {
            throw Bad(name, $"shape {RequestValidator.ShapeText(shape)} is too large");
        }

        // Every JSON value takes at least one byte, so a shape that needs more values than the body has bytes
        // left cannot be satisfied: refuse it before allocating anything that size.
        if (expected > bytesLeft)
        {
            throw Bad(name, $"shape {RequestValidator.ShapeText(shape)} needs {expected} values but data holds fewer");
        }

        var count = (int)expected;
        if (type == TensorDataType.Bytes)
        {
            return Tensor.FromElements(name, shape, ReadStrings(ref reader, name, count));
        }

        if (type == TensorDataType.BF16)
        {
            throw Bad(name, "BF16 can only be sent as raw binary contents over gRPC");
        }

        var bytes = new byte[count * type.ElementSize()];
        var index = 0;
        var depth = 0;
        do
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    depth++;
                    continue;
                case JsonTokenType.EndArray:
                    depth--;
                    continue;
                case JsonTokenType.Number:
                case JsonTokenType.True:
                case JsonTokenType.False:
                case JsonTokenType.String:
                    if (index >= count)
                    {
                        throw CountMismatch(name, shape, count, index + 1 + CountRest(ref reader, depth));
                    }

                    WriteValue(ref reader, type, bytes, index, name);
                    index++;
                    continue;
                default:
                    throw Bad(name, $"data holds a {Describe(reader.TokenType)} where a {type.ToProtocolName()} value was expected");
            }
        }
        while (depth > 0 && reader.Read());

        if (index != count)
        {
            throw CountMismatch(name, shape, count, index);
        }

        return Tensor.FromBytes(name, type, shape, bytes);
    }

    /// <summary>
    /// The common case read without a JSON reader: a flat array of FP32 values, each a short decimal
    /// (<c>[-]digits[.digits]</c>, read exactly by <see cref="MlflowTextValues.TryReadShortDecimalPrefix"/>), as many as
    /// <paramref name="shape"/> needs. <paramref name="text"/> starts just after the array's '['; on success
    /// <paramref name="length"/> is the offset of its ']'. Anything else (nesting, exponents, strings, a count that does
    /// not match, invalid JSON) returns false having consumed nothing, and the general path reads it, errors included.
    /// </summary>
    /// <remarks>
    /// With <paramref name="keepText"/> the array's text is also kept with the tensor (<see cref="LentJsonText"/>) for
    /// the prediction log, when it is exactly the text the log would write for these values: compact, and each number
    /// its value's shortest round-trip text (<see cref="MlflowTextValues.TryReadShortDecimalPrefix(ReadOnlySpan{byte}, out float, out bool)"/>).
    /// </remarks>
    public static bool TryReadFlatSingles(ReadOnlySpan<byte> text, string name, long[] shape, bool keepText, [NotNullWhen(true)] out Tensor? tensor, out int length)
    {
        tensor = null;
        length = 0;
        long expected = 1;
        foreach (var dimension in shape)
        {
            // Past the body's length the count cannot match (each value takes a byte); the general path says so.
            // Both factors at most the body's length, so the product cannot overflow.
            if (dimension < 0 || dimension > text.Length || (expected *= dimension) > text.Length)
            {
                return false;
            }
        }

        if (!BitConverter.IsLittleEndian)
        {
            return false;
        }

        var bytes = new byte[expected * sizeof(float)];
        var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());

        // The text is kept only while it is exactly what the log would write: no whitespace, every number its value's
        // shortest text. The log's lines then stay the same byte for byte, however they were made.
        var at = SkipWhitespace(text, 0);
        var asLogged = keepText && at == 0;
        var count = 0;
        if (at < text.Length && text[at] == ']')
        {
            return Done(expected == 0, text, at, name, shape, bytes, asLogged, out tensor, out length);
        }

        while (count < values.Length)
        {
            var used = MlflowTextValues.TryReadShortDecimalPrefix(text[at..], out values[count], out var shortest);
            if (used == 0 || !IsJsonNumber(text.Slice(at, used)))
            {
                return false;
            }

            count++;
            var next = SkipWhitespace(text, at + used);
            asLogged &= shortest && next == at + used;
            at = next;
            if (at >= text.Length)
            {
                return false;
            }

            if (text[at] == ']')
            {
                return Done(count == values.Length, text, at, name, shape, bytes, asLogged, out tensor, out length);
            }

            if (text[at] != ',')
            {
                return false;
            }

            next = SkipWhitespace(text, at + 1);
            asLogged &= next == at + 1;
            at = next;
        }

        return false;
    }

    private static bool Done(bool complete, ReadOnlySpan<byte> text, int at, string name, long[] shape, byte[] bytes, bool asLogged, out Tensor? tensor, out int length)
    {
        tensor = !complete ? null
            : asLogged && LentJsonText.TryLend(text[..at], out var json, out var lender) ? Tensor.FromBytes(name, TensorDataType.FP32, shape, bytes, json, lender!)
            : Tensor.FromBytes(name, TensorDataType.FP32, shape, bytes);
        length = at;
        return complete;
    }

    /// <summary>What the fast path read is also a JSON number: a digit before any point, one after it, no leading zero.</summary>
    private static bool IsJsonNumber(ReadOnlySpan<byte> number)
    {
        var first = number[0] == '-' ? 1 : 0;
        return first < number.Length && char.IsAsciiDigit((char)number[first]) &&
               !(number[first] == '0' && first + 1 < number.Length && char.IsAsciiDigit((char)number[first + 1])) &&
               number[^1] != '.';
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> text, int at)
    {
        while (at < text.Length && text[at] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            at++;
        }

        return at;
    }

    /// <summary>Decodes a <c>data</c> value held in its own slice of the body (when it came before datatype or shape).</summary>
    public static Tensor Read(ReadOnlySpan<byte> data, string name, TensorDataType type, long[] shape)
    {
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 64 });
        reader.Read();
        return Read(ref reader, data.Length, name, type, shape);
    }

    private static void WriteValue(ref Utf8JsonReader reader, TensorDataType type, byte[] bytes, int index, string name)
    {
        var span = bytes.AsSpan();
        switch (type)
        {
            case TensorDataType.Bool:
                span[index] = ReadBool(ref reader, name, index) ? (byte)1 : (byte)0;
                break;
            case TensorDataType.UInt8:
                span[index] = (byte)ReadInteger(ref reader, name, index, byte.MinValue, byte.MaxValue, type);
                break;
            case TensorDataType.Int8:
                span[index] = unchecked((byte)(sbyte)ReadInteger(ref reader, name, index, sbyte.MinValue, sbyte.MaxValue, type));
                break;
            case TensorDataType.UInt16:
                BinaryPrimitives.WriteUInt16LittleEndian(span[(index * 2)..], (ushort)ReadInteger(ref reader, name, index, ushort.MinValue, ushort.MaxValue, type));
                break;
            case TensorDataType.Int16:
                BinaryPrimitives.WriteInt16LittleEndian(span[(index * 2)..], (short)ReadInteger(ref reader, name, index, short.MinValue, short.MaxValue, type));
                break;
            case TensorDataType.UInt32:
                BinaryPrimitives.WriteUInt32LittleEndian(span[(index * 4)..], (uint)ReadInteger(ref reader, name, index, uint.MinValue, uint.MaxValue, type));
                break;
            case TensorDataType.Int32:
                BinaryPrimitives.WriteInt32LittleEndian(span[(index * 4)..], (int)ReadInteger(ref reader, name, index, int.MinValue, int.MaxValue, type));
                break;
            case TensorDataType.Int64:
                BinaryPrimitives.WriteInt64LittleEndian(span[(index * 8)..], ReadInteger(ref reader, name, index, long.MinValue, long.MaxValue, type));
                break;
            case TensorDataType.UInt64:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var u64))
                {
                    throw NotA(ref reader, name, index, type);
                }

                BinaryPrimitives.WriteUInt64LittleEndian(span[(index * 8)..], u64);
                break;
            case TensorDataType.FP16:
                BinaryPrimitives.WriteHalfLittleEndian(span[(index * 2)..], (Half)ReadDouble(ref reader, name, index, type));
                break;
            case TensorDataType.FP32:
                BinaryPrimitives.WriteSingleLittleEndian(span[(index * 4)..], ReadSingle(ref reader, name, index));
                break;
            case TensorDataType.FP64:
                BinaryPrimitives.WriteDoubleLittleEndian(span[(index * 8)..], ReadDouble(ref reader, name, index, type));
                break;
            default:
                throw Bad(name, $"datatype {type.ToProtocolName()} is not supported in JSON");
        }
    }

    /// <remarks>
    /// Most numbers sent are short decimals (17.99, 0.2776): those take the exact fast path first, about five times
    /// cheaper than <see cref="Utf8JsonReader.TryGetSingle"/> and to the same float, which mattered at 64 rows of 30
    /// inputs a request. The reader has already checked the JSON number grammar.
    /// </remarks>
    private static float ReadSingle(ref Utf8JsonReader reader, string name, int index)
    {
        if (reader.TokenType == JsonTokenType.Number &&
            ((!reader.HasValueSequence && MlflowTextValues.TryReadShortDecimal(reader.ValueSpan, out var value)) || reader.TryGetSingle(out value)))
        {
            return value;
        }

        return (float)ReadDouble(ref reader, name, index, TensorDataType.FP32);
    }

    private static double ReadDouble(ref Utf8JsonReader reader, string name, int index, TensorDataType type)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value))
        {
            return value;
        }

        // JSON has no NaN or infinity; accept the names as strings so they reach validation, which says
        // plainly whether the model takes them.
        if (reader.TokenType == JsonTokenType.String)
        {
            if (reader.ValueTextEquals("NaN"u8))
            {
                return double.NaN;
            }

            if (reader.ValueTextEquals("Infinity"u8) || reader.ValueTextEquals("inf"u8))
            {
                return double.PositiveInfinity;
            }

            if (reader.ValueTextEquals("-Infinity"u8) || reader.ValueTextEquals("-inf"u8))
            {
                return double.NegativeInfinity;
            }
        }

        throw NotA(ref reader, name, index, type);
    }

    private static long ReadInteger(ref Utf8JsonReader reader, string name, int index, long min, long max, TensorDataType type)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            if (value < min || value > max)
            {
                throw Bad(name, $"value {value} at element {index} is out of range for {type.ToProtocolName()} ({min} to {max})");
            }

            return value;
        }

        throw NotA(ref reader, name, index, type);
    }

    private static bool ReadBool(ref Utf8JsonReader reader, string name, int index)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.Number when reader.TryGetInt32(out var number) && number is 0 or 1:
                return number == 1;
            default:
                throw NotA(ref reader, name, index, TensorDataType.Bool);
        }
    }

    private static byte[][] ReadStrings(ref Utf8JsonReader reader, string name, int count)
    {
        var elements = new byte[count][];
        var index = 0;
        var depth = 0;
        do
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                depth++;
                continue;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                depth--;
                continue;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                throw NotA(ref reader, name, index, TensorDataType.Bytes);
            }

            if (index >= count)
            {
                throw Bad(name, $"data holds more than the {count} values its shape needs");
            }

            elements[index++] = Encoding.UTF8.GetBytes(reader.GetString()!);
        }
        while (depth > 0 && reader.Read());

        return index == count ? elements : throw Bad(name, $"shape needs {count} values but data has {index}");
    }

    private static int CountRest(ref Utf8JsonReader reader, int depth)
    {
        var rest = 0;
        while (depth > 0 && reader.Read())
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                depth++;
            }
            else if (reader.TokenType == JsonTokenType.EndArray)
            {
                depth--;
            }
            else
            {
                rest++;
            }
        }

        return rest;
    }

    private static InferenceException NotA(ref Utf8JsonReader reader, string name, int index, TensorDataType type)
    {
        var shown = CallerText.Cut(reader.TokenType == JsonTokenType.String ? $"\"{reader.GetString()}\"" : Encoding.UTF8.GetString(reader.ValueSpan));
        return Bad(name, $"element {index} is {shown}, which is not a valid {type.ToProtocolName()} value");
    }

    private static InferenceException CountMismatch(string name, long[] shape, int expected, int actual) =>
        Bad(name, $"shape {RequestValidator.ShapeText(shape)} needs {expected} values but data has {actual}");

    private static InferenceException Bad(string name, string problem) =>
        InferenceException.BadRequest($"input '{CallerText.Cut(name)}': {problem}");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "JSON object",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
