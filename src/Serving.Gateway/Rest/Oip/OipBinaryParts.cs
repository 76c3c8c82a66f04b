using System.Buffers.Binary;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Gateway.Rest.Oip;

/// <summary>
/// The binary side of one OIP REST request (Triton's binary tensor data extension) while its JSON is read: the raw
/// bytes that follow the JSON header, handed out in input order to each input that sets
/// <c>parameters.binary_data_size</c>, and which outputs the caller wants back as raw bytes.
/// </summary>
internal ref struct OipBinaryParts
{
    private const int BytesPrefixSize = sizeof(uint);

    private readonly bool _hasHeader;
    private readonly int _total;
    private ReadOnlySpan<byte> _rest;

    /// <summary>The bytes after the JSON header; <paramref name="hasHeader"/> is whether the request split its body at all.</summary>
    public OipBinaryParts(ReadOnlySpan<byte> bytes, bool hasHeader)
    {
        _rest = bytes;
        _total = bytes.Length;
        _hasHeader = hasHeader;
    }

    /// <summary>The outputs' choices, made once the request says anything about binary outputs; null otherwise.</summary>
    public OipBinaryOutputs? Outputs { get; private set; }

    /// <summary>
    /// The tensor of one input whose data is <paramref name="size"/> raw bytes of the binary part, copied once into
    /// the tensor's buffer. Throws BadRequest when the size does not fit the datatype and shape or the bytes are not there.
    /// </summary>
    public Tensor Take(string name, TensorDataType type, long[] shape, long size)
    {
        long count;
        try
        {
            count = TensorDataTypes.ElementCount(shape);
        }
        catch (OverflowException)
        {
            throw Bad(name, $"shape {RequestValidator.ShapeText(shape)} is too large");
        }

        if (type != TensorDataType.Bytes)
        {
            var elementSize = type.ElementSize();
            var expected = count > long.MaxValue / elementSize ? long.MaxValue : count * elementSize;
            if (size != expected)
            {
                throw Bad(name, $"parameters.binary_data_size is {size} bytes, but {type.ToProtocolName()} {RequestValidator.ShapeText(shape)} " +
                    $"is {count} elements x {elementSize} bytes = {expected} bytes");
            }
        }

        if (!_hasHeader)
        {
            throw Bad(name, "parameters.binary_data_size is set, but the request has no binary part: send the JSON's length in bytes " +
                $"in the {OipBinaryRequestReader.HeaderName} header and the inputs' raw bytes after the JSON");
        }

        if (size > _rest.Length)
        {
            throw Bad(name, $"parameters.binary_data_size is {size} bytes, but only {_rest.Length} of the {_total} bytes after the JSON header are left " +
                "for it (each input with binary_data_size takes its bytes in input order)");
        }

        var bytes = _rest[..(int)size];
        _rest = _rest[(int)size..];
        return type == TensorDataType.Bytes
            ? Tensor.FromElements(name, shape, SplitElements(bytes, count, name))
            : Tensor.FromBytes(name, type, shape, bytes.ToArray());
    }

    /// <summary>Throws BadRequest when bytes are left that no input claimed.</summary>
    public readonly void EnsureAllTaken()
    {
        if (!_rest.IsEmpty)
        {
            throw InferenceException.BadRequest(
                $"{_rest.Length} of the {_total} bytes after the JSON header belong to no input: the inputs' parameters.binary_data_size " +
                $"add up to {_total - _rest.Length} (is {OipBinaryRequestReader.HeaderName} right?)");
        }
    }

    /// <summary>Reads an input's <c>parameters</c> (the reader on its value); returns its <c>binary_data_size</c>, if any.</summary>
    public static long? ReadInputParameters(ref Utf8JsonReader reader, int position)
    {
        long? size = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Parameters of another shape were always ignored; only the extension's own member is checked.
            reader.Skip();
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isSize = reader.ValueTextEquals("binary_data_size"u8);
            reader.Read();
            if (!isSize)
            {
                reader.Skip();
            }
            else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var bytes) && bytes >= 0)
            {
                size = bytes;
            }
            else
            {
                throw InferenceException.BadRequest($"inputs[{position}].parameters.binary_data_size must be a whole number of bytes, at least 0");
            }
        }

        return size;
    }

    /// <summary>Reads the request's <c>parameters</c> (the reader on its value), noting <c>binary_data_output</c>.</summary>
    public void ReadRequestParameters(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isOutput = reader.ValueTextEquals("binary_data_output"u8);
            reader.Read();
            if (isOutput)
            {
                (Outputs ??= new OipBinaryOutputs()).AllBinary = Flag(ref reader) ?? throw NotAFlag("parameters.binary_data_output");
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>Reads an entry of <c>outputs</c>'s <c>parameters</c> (the reader on its value); returns its <c>binary_data</c>, if any.</summary>
    public static bool? ReadOutputParameters(ref Utf8JsonReader reader, int index)
    {
        bool? binary = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isBinary = reader.ValueTextEquals("binary_data"u8);
            reader.Read();
            if (isBinary)
            {
                // The name is made for the message only: a binary request names one for every output it asks for.
                binary = Flag(ref reader) ?? throw NotAFlag($"outputs[{index}].parameters.binary_data");
            }
            else
            {
                reader.Skip();
            }
        }

        return binary;
    }

    /// <summary>Records an output's own choice (from <see cref="ReadOutputParameters"/>).</summary>
    public void ChooseOutput(string name, bool binary) => (Outputs ??= new OipBinaryOutputs()).Choose(name, binary);

    // The reader's boolean; null when it is on anything else.
    private static bool? Flag(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => null,
    };

    private static InferenceException NotAFlag(string what) => InferenceException.BadRequest($"{what} must be true or false");

    /// <summary>
    /// A BYTES input's raw layout: each element a 4-byte little-endian length and then that many bytes, back to back
    /// in row-major order, exactly <paramref name="count"/> of them filling <paramref name="bytes"/>.
    /// </summary>
    private static byte[][] SplitElements(ReadOnlySpan<byte> bytes, long count, string name)
    {
        // Each element needs its prefix at least: a larger count cannot fit, and must not size an allocation.
        if (count > bytes.Length / BytesPrefixSize)
        {
            throw Framing(name, count, $"{bytes.Length} bytes cannot hold that many length-prefixed elements");
        }

        var elements = new byte[count][];
        var offset = 0;
        for (var i = 0; i < elements.Length; i++)
        {
            if (bytes.Length - offset < BytesPrefixSize)
            {
                throw Framing(name, count, $"the bytes end after {i} elements");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);
            offset += BytesPrefixSize;
            if (length > (uint)(bytes.Length - offset))
            {
                throw Framing(name, count, $"element {i} declares {length} bytes but only {bytes.Length - offset} are left");
            }

            elements[i] = bytes.Slice(offset, (int)length).ToArray();
            offset += (int)length;
        }

        return offset == bytes.Length
            ? elements
            : throw Framing(name, count, $"{bytes.Length - offset} bytes are left after the last element");
    }

    private static InferenceException Framing(string name, long count, string detail) =>
        Bad(name, $"binary BYTES data must be {count} elements, each a 4-byte little-endian length and then its bytes; {detail}");

    private static InferenceException Bad(string name, string problem) =>
        InferenceException.BadRequest($"input '{CallerText.Cut(name)}': {problem}");
}
