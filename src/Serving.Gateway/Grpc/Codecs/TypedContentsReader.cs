using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Google.Protobuf.Collections;
using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Grpc.Codecs;

/// <summary>
/// Turns typed <c>InferTensorContents</c> into a canonical tensor. Each datatype reads the one field the
/// specification assigns to it; FP16 also reads <c>fp32_contents</c> (the specification gives it no typed field,
/// so values are rounded to half precision), and BF16 travels only raw.
/// </summary>
internal static class TypedContentsReader
{
    /// <summary>Reads one input's contents; throws BadRequest when the count does not match or a value does not fit.</summary>
    public static Tensor Read(string name, TensorDataType type, long[] shape, long elementCount, InferTensorContents? contents)
    {
        var field = new TypedInput(name, type, shape, elementCount);
        return type switch
        {
            TensorDataType.Bool => Tensor.FromBytes(name, type, shape, Bools(field.Expect(contents?.BoolContents, "bool_contents"))),
            TensorDataType.Int8 => Tensor.FromBytes(name, type, shape, Narrow<int, sbyte>(field.Expect(contents?.IntContents, "int_contents"), field)),
            TensorDataType.Int16 => Tensor.FromBytes(name, type, shape, Narrow<int, short>(field.Expect(contents?.IntContents, "int_contents"), field)),
            TensorDataType.Int32 => Tensor.FromBytes(name, type, shape, Copy(field.Expect(contents?.IntContents, "int_contents"))),
            TensorDataType.Int64 => Tensor.FromBytes(name, type, shape, Copy(field.Expect(contents?.Int64Contents, "int64_contents"))),
            TensorDataType.UInt8 => Tensor.FromBytes(name, type, shape, Narrow<uint, byte>(field.Expect(contents?.UintContents, "uint_contents"), field)),
            TensorDataType.UInt16 => Tensor.FromBytes(name, type, shape, Narrow<uint, ushort>(field.Expect(contents?.UintContents, "uint_contents"), field)),
            TensorDataType.UInt32 => Tensor.FromBytes(name, type, shape, Copy(field.Expect(contents?.UintContents, "uint_contents"))),
            TensorDataType.UInt64 => Tensor.FromBytes(name, type, shape, Copy(field.Expect(contents?.Uint64Contents, "uint64_contents"))),
            TensorDataType.FP16 => Tensor.FromBytes(name, type, shape, Halves(field.Expect(contents?.Fp32Contents, "fp32_contents"))),
            TensorDataType.FP32 => Tensor.FromBytes(name, type, shape, Copy(field.Expect(contents?.Fp32Contents, "fp32_contents"))),
            TensorDataType.FP64 => Tensor.FromBytes(name, type, shape, Copy(field.Expect(contents?.Fp64Contents, "fp64_contents"))),
            TensorDataType.Bytes => Tensor.FromElements(name, shape, Elements(field.Expect(contents?.BytesContents, "bytes_contents"))),
            _ => throw InferenceException.BadRequest(
                $"input '{CallerText.Cut(name)}': {type.ToProtocolName()} has no typed contents field; send it in raw_input_contents"),
        };
    }

    private static byte[] Copy<T>(RepeatedField<T> values)
        where T : unmanaged
    {
        var data = new byte[values.Count * Unsafe.SizeOf<T>()];
        var target = MemoryMarshal.Cast<byte, T>(data.AsSpan());
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = values[i];
        }

        return data;
    }

    private static byte[] Narrow<TWire, TElement>(RepeatedField<TWire> values, TypedInput field)
        where TWire : unmanaged, INumberBase<TWire>
        where TElement : unmanaged, INumberBase<TElement>
    {
        var data = new byte[values.Count * Unsafe.SizeOf<TElement>()];
        var target = MemoryMarshal.Cast<byte, TElement>(data.AsSpan());
        var i = 0;
        try
        {
            for (; i < target.Length; i++)
            {
                target[i] = TElement.CreateChecked(values[i]);
            }
        }
        catch (OverflowException)
        {
            throw field.OutOfRange(i, values[i].ToString()!);
        }

        return data;
    }

    private static byte[] Bools(RepeatedField<bool> values)
    {
        var data = new byte[values.Count];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = values[i] ? (byte)1 : (byte)0;
        }

        return data;
    }

    private static byte[] Halves(RepeatedField<float> values)
    {
        var data = new byte[values.Count * 2];
        var target = MemoryMarshal.Cast<byte, Half>(data.AsSpan());
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = (Half)values[i];
        }

        return data;
    }

    private static byte[][] Elements(RepeatedField<Google.Protobuf.ByteString> values)
    {
        var elements = new byte[values.Count][];
        for (var i = 0; i < elements.Length; i++)
        {
            elements[i] = values[i].ToByteArray();
        }

        return elements;
    }
}
