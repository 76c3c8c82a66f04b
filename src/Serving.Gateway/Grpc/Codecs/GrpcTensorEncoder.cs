using System.Buffers;
using System.Runtime.InteropServices;
using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Grpc.Codecs;

/// <summary>
/// Encodes the canonical <see cref="InferenceResponse"/> as an OIP v2 <see cref="ModelInferResponse"/>, written
/// straight from the tensors in protobuf's wire format. Building the message first would cost, per output, a tensor
/// message, a contents message with its eight repeated fields, two parameter maps and a copy of the values, and
/// then a second walk over all of it to size and write it; this writes each value once.
/// </summary>
/// <remarks>
/// With raw outputs (the answer to a raw request) the data goes to <c>raw_output_contents</c>, one blob per output
/// in output order, and the outputs carry metadata only; otherwise each output carries typed contents. An FP16 or
/// BF16 output makes the whole answer raw, because the specification gives those types no typed field and forbids
/// mixing raw and typed outputs. Fields are written in field-number order and proto3 defaults (empty strings, empty
/// packed fields) are left out, as protobuf's own serializer does; a typed output always carries its contents.
/// </remarks>
public static class GrpcTensorEncoder
{
    // Tags of length-delimited fields: field number << 3 | 2.
    private const byte ResponseModelName = 0x0A, ResponseModelVersion = 0x12, ResponseId = 0x1A, ResponseOutputs = 0x2A, ResponseRaw = 0x32;
    private const byte OutputName = 0x0A, OutputDatatype = 0x12, OutputShape = 0x1A, OutputContents = 0x2A;
    private const byte ContentsBool = 0x0A, ContentsInt = 0x12, ContentsInt64 = 0x1A, ContentsUint = 0x22, ContentsUint64 = 0x2A;
    private const byte ContentsFp32 = 0x32, ContentsFp64 = 0x3A, ContentsBytes = 0x42;

    /// <summary>Whether the answer goes raw: the request was raw, or an output has no typed field.</summary>
    public static bool AnswersRaw(InferenceResponse response, bool rawRequest)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (rawRequest)
        {
            return true;
        }

        // Indexed loops here and below: a foreach over the interface would allocate an enumerator per answer.
        for (var o = 0; o < response.Outputs.Count; o++)
        {
            var output = response.Outputs[o];
            if (output.DataType is TensorDataType.FP16 or TensorDataType.BF16)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The encoded size in bytes of the answer; <paramref name="raw"/> is <see cref="AnswersRaw"/>'s verdict. Throws
    /// <see cref="InferenceException"/> for an output that cannot be encoded, so a caller that sizes first finds out
    /// before it writes.
    /// </summary>
    public static int Size(InferenceResponse response, bool raw)
    {
        ArgumentNullException.ThrowIfNull(response);
        long size = StringField(response.ModelName) + StringField(response.ModelVersion) + StringField(response.Id);
        for (var o = 0; o < response.Outputs.Count; o++)
        {
            var output = response.Outputs[o];
            size += Field(OutputSize(output, raw));
            if (raw)
            {
                size += Field(BytesElementFraming.RawSize(output));
            }
        }

        return size <= int.MaxValue
            ? (int)size
            : throw new InferenceException($"the answer would take {size} bytes, more than one gRPC message can hold");
    }

    /// <summary>Writes the answer, of <see cref="Size"/> bytes, to <paramref name="output"/>.</summary>
    public static void Write(InferenceResponse response, bool raw, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(output);
        var wire = new WireWriter(output);
        wire.String(ResponseModelName, response.ModelName);
        wire.String(ResponseModelVersion, response.ModelVersion);
        wire.String(ResponseId, response.Id);
        for (var o = 0; o < response.Outputs.Count; o++)
        {
            var tensor = response.Outputs[o];
            wire.Header(ResponseOutputs, OutputSize(tensor, raw));
            WriteOutput(ref wire, tensor, raw);
        }

        if (raw)
        {
            for (var o = 0; o < response.Outputs.Count; o++)
            {
                var tensor = response.Outputs[o];
                wire.Header(ResponseRaw, BytesElementFraming.RawSize(tensor));
                WriteRaw(ref wire, tensor);
            }
        }

        wire.Commit();
    }

    private static long OutputSize(Tensor tensor, bool raw)
    {
        long size = StringField(tensor.Name) + StringField(tensor.DataType.ToProtocolName());
        var dims = ShapeSize(tensor.Shape);
        if (dims > 0)
        {
            size += Field(dims);
        }

        if (!raw)
        {
            size += Field(ContentsSize(tensor));
        }

        return size;
    }

    private static void WriteOutput(ref WireWriter wire, Tensor tensor, bool raw)
    {
        wire.String(OutputName, tensor.Name);
        wire.String(OutputDatatype, tensor.DataType.ToProtocolName());
        var dims = ShapeSize(tensor.Shape);
        if (dims > 0)
        {
            wire.Header(OutputShape, dims);
            foreach (var dim in tensor.Shape)
            {
                wire.Varint((ulong)dim);
            }
        }

        if (!raw)
        {
            wire.Header(OutputContents, ContentsSize(tensor));
            WriteContents(ref wire, tensor);
        }
    }

    private static long ShapeSize(long[] shape)
    {
        long size = 0;
        foreach (var dim in shape)
        {
            size += WireWriter.VarintSize((ulong)dim);
        }

        return size;
    }

    // The size of the InferTensorContents message: one packed field (or the repeated bytes field), or nothing when empty.
    private static long ContentsSize(Tensor tensor)
    {
        if (tensor.DataType == TensorDataType.Bytes)
        {
            long size = 0;
            foreach (var element in tensor.Elements ?? [])
            {
                size += Field(element.Length);
            }

            return size;
        }

        var packed = PackedSize(tensor);
        return packed == 0 ? 0 : Field(packed);
    }

    private static long PackedSize(Tensor tensor) => tensor.DataType switch
    {
        TensorDataType.Bool => tensor.Data.Length,
        TensorDataType.Int8 => SignedSize(tensor.AsSpan<sbyte>()),
        TensorDataType.Int16 => SignedSize(tensor.AsSpan<short>()),
        TensorDataType.Int32 => SignedSize(tensor.AsSpan<int>()),
        TensorDataType.Int64 => SignedSize(tensor.AsSpan<long>()),
        TensorDataType.UInt8 => UnsignedSize(tensor.AsSpan<byte>()),
        TensorDataType.UInt16 => UnsignedSize(tensor.AsSpan<ushort>()),
        TensorDataType.UInt32 => UnsignedSize(tensor.AsSpan<uint>()),
        TensorDataType.UInt64 => UnsignedSize(tensor.AsSpan<ulong>()),
        TensorDataType.FP32 => (long)tensor.AsSpan<float>().Length * sizeof(float),
        TensorDataType.FP64 => (long)tensor.AsSpan<double>().Length * sizeof(double),
        _ => throw new InferenceException($"output '{tensor.Name}' is {tensor.DataType.ToProtocolName()}, which has no typed contents field"),
    };

    private static void WriteContents(ref WireWriter wire, Tensor tensor)
    {
        if (tensor.DataType == TensorDataType.Bytes)
        {
            foreach (var element in tensor.Elements ?? [])
            {
                wire.Header(ContentsBytes, element.Length);
                wire.Bytes(element);
            }

            return;
        }

        var packed = PackedSize(tensor);
        if (packed == 0)
        {
            return;
        }

        switch (tensor.DataType)
        {
            case TensorDataType.Bool:
                wire.Header(ContentsBool, packed);
                foreach (var value in tensor.Data)
                {
                    wire.Varint(value == 0 ? 0UL : 1UL);
                }

                break;
            case TensorDataType.Int8:
                wire.Header(ContentsInt, packed);
                WriteSigned(ref wire, tensor.AsSpan<sbyte>());
                break;
            case TensorDataType.Int16:
                wire.Header(ContentsInt, packed);
                WriteSigned(ref wire, tensor.AsSpan<short>());
                break;
            case TensorDataType.Int32:
                wire.Header(ContentsInt, packed);
                WriteSigned(ref wire, tensor.AsSpan<int>());
                break;
            case TensorDataType.Int64:
                wire.Header(ContentsInt64, packed);
                WriteSigned(ref wire, tensor.AsSpan<long>());
                break;
            case TensorDataType.UInt8:
                wire.Header(ContentsUint, packed);
                WriteUnsigned(ref wire, tensor.AsSpan<byte>());
                break;
            case TensorDataType.UInt16:
                wire.Header(ContentsUint, packed);
                WriteUnsigned(ref wire, tensor.AsSpan<ushort>());
                break;
            case TensorDataType.UInt32:
                wire.Header(ContentsUint, packed);
                WriteUnsigned(ref wire, tensor.AsSpan<uint>());
                break;
            case TensorDataType.UInt64:
                wire.Header(ContentsUint64, packed);
                WriteUnsigned(ref wire, tensor.AsSpan<ulong>());
                break;
            case TensorDataType.FP32:
                // Packed fixed32 is little-endian, as canonical tensors are: the values go over as they lie.
                wire.Header(ContentsFp32, packed);
                wire.Bytes(MemoryMarshal.AsBytes(tensor.AsSpan<float>()));
                break;
            case TensorDataType.FP64:
                wire.Header(ContentsFp64, packed);
                wire.Bytes(MemoryMarshal.AsBytes(tensor.AsSpan<double>()));
                break;
        }
    }

    // Protobuf's int32 and int64 sign-extend negative values to 64 bits, so each takes ten bytes.
    private static long SignedSize<T>(ReadOnlySpan<T> values)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        long size = 0;
        foreach (var value in values)
        {
            size += WireWriter.VarintSize((ulong)long.CreateTruncating(value));
        }

        return size;
    }

    private static long UnsignedSize<T>(ReadOnlySpan<T> values)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        long size = 0;
        foreach (var value in values)
        {
            size += WireWriter.VarintSize(ulong.CreateTruncating(value));
        }

        return size;
    }

    private static void WriteSigned<T>(ref WireWriter wire, ReadOnlySpan<T> values)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        foreach (var value in values)
        {
            wire.Varint((ulong)long.CreateTruncating(value));
        }
    }

    private static void WriteUnsigned<T>(ref WireWriter wire, ReadOnlySpan<T> values)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        foreach (var value in values)
        {
            wire.Varint(ulong.CreateTruncating(value));
        }
    }

    private static void WriteRaw(ref WireWriter wire, Tensor tensor)
    {
        if (tensor.DataType != TensorDataType.Bytes)
        {
            wire.Bytes(tensor.Data);
            return;
        }

        foreach (var element in tensor.Elements ?? [])
        {
            wire.Fixed32((uint)element.Length);
            wire.Bytes(element);
        }
    }

    private static long StringField(string? value) =>
        string.IsNullOrEmpty(value) ? 0 : Field(WireWriter.Utf8.GetByteCount(value));

    // A length-delimited field: its one-byte tag, the length as a varint, then the bytes.
    private static long Field(long length) => 1 + WireWriter.VarintSize((ulong)length) + length;
}
