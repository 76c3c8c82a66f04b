using System.Buffers.Binary;
using Serving.Core.Contracts;

namespace Serving.Core.Monitoring.Performance;

/// <summary>Reads one element of a numeric tensor as a double, whatever its type.</summary>
internal static class TensorNumbers
{
    public static bool IsNumeric(TensorDataType type) => type is not TensorDataType.Bytes;

    public static double At(Tensor tensor, long index)
    {
        var size = tensor.DataType.ElementSize();
        var bytes = tensor.Data.AsSpan(checked((int)(index * size)), size);
        return tensor.DataType switch
        {
            TensorDataType.Bool => bytes[0] != 0 ? 1 : 0,
            TensorDataType.UInt8 => bytes[0],
            TensorDataType.Int8 => (sbyte)bytes[0],
            TensorDataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            TensorDataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
            TensorDataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            TensorDataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
            TensorDataType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            TensorDataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
            TensorDataType.FP16 => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes),
            TensorDataType.BF16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16),
            TensorDataType.FP32 => BinaryPrimitives.ReadSingleLittleEndian(bytes),
            TensorDataType.FP64 => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            _ => double.NaN,
        };
    }
}
