using System.Runtime.InteropServices;
using Serving.Core.Contracts;

namespace Serving.Core.Inference;

/// <summary>
/// The integer datatypes as text-based decoders fill them (the MLflow columns of <c>/invocations</c> and
/// <c>serving score</c>): the range a value must lie in, and the store of a checked value into a tensor's bytes.
/// One place, so a column reads the same whichever of them reads it.
/// </summary>
public static class IntegerElements
{
    /// <summary>The smallest and largest value an element of <paramref name="type"/> holds (Int64's range for Int64 and others).</summary>
    public static (long Min, long Max) Range(TensorDataType type) => type switch
    {
        TensorDataType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        TensorDataType.UInt8 => (byte.MinValue, byte.MaxValue),
        TensorDataType.Int16 => (short.MinValue, short.MaxValue),
        TensorDataType.UInt16 => (ushort.MinValue, ushort.MaxValue),
        TensorDataType.Int32 => (int.MinValue, int.MaxValue),
        TensorDataType.UInt32 => (uint.MinValue, uint.MaxValue),
        _ => (long.MinValue, long.MaxValue),
    };

    /// <summary>Stores <paramref name="value"/>, already checked against <see cref="Range"/>, as element <paramref name="index"/>.</summary>
    public static void Store(TensorDataType type, Span<byte> data, int index, long value)
    {
        switch (type)
        {
            case TensorDataType.Int8:
                data[index] = unchecked((byte)(sbyte)value);
                break;
            case TensorDataType.UInt8:
                data[index] = (byte)value;
                break;
            case TensorDataType.Int16:
                MemoryMarshal.Cast<byte, short>(data)[index] = (short)value;
                break;
            case TensorDataType.UInt16:
                MemoryMarshal.Cast<byte, ushort>(data)[index] = (ushort)value;
                break;
            case TensorDataType.Int32:
                MemoryMarshal.Cast<byte, int>(data)[index] = (int)value;
                break;
            case TensorDataType.UInt32:
                MemoryMarshal.Cast<byte, uint>(data)[index] = (uint)value;
                break;
            default:
                MemoryMarshal.Cast<byte, long>(data)[index] = value;
                break;
        }
    }
}
