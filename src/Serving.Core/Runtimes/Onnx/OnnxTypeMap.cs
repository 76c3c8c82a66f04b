using Microsoft.ML.OnnxRuntime.Tensors;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.Onnx;

/// <summary>ONNX element types and their OIP datatypes; ONNX strings travel as UTF-8 BYTES.</summary>
internal static class OnnxTypeMap
{
    public static bool TryToDataType(TensorElementType elementType, out TensorDataType dataType)
    {
        dataType = elementType switch
        {
            TensorElementType.Bool => TensorDataType.Bool,
            TensorElementType.UInt8 => TensorDataType.UInt8,
            TensorElementType.UInt16 => TensorDataType.UInt16,
            TensorElementType.UInt32 => TensorDataType.UInt32,
            TensorElementType.UInt64 => TensorDataType.UInt64,
            TensorElementType.Int8 => TensorDataType.Int8,
            TensorElementType.Int16 => TensorDataType.Int16,
            TensorElementType.Int32 => TensorDataType.Int32,
            TensorElementType.Int64 => TensorDataType.Int64,
            TensorElementType.Float16 => TensorDataType.FP16,
            TensorElementType.Float => TensorDataType.FP32,
            TensorElementType.Double => TensorDataType.FP64,
            TensorElementType.BFloat16 => TensorDataType.BF16,
            TensorElementType.String => TensorDataType.Bytes,
            _ => (TensorDataType)(-1),
        };
        return (int)dataType >= 0;
    }

    public static TensorElementType ToElementType(TensorDataType dataType) => dataType switch
    {
        TensorDataType.Bool => TensorElementType.Bool,
        TensorDataType.UInt8 => TensorElementType.UInt8,
        TensorDataType.UInt16 => TensorElementType.UInt16,
        TensorDataType.UInt32 => TensorElementType.UInt32,
        TensorDataType.UInt64 => TensorElementType.UInt64,
        TensorDataType.Int8 => TensorElementType.Int8,
        TensorDataType.Int16 => TensorElementType.Int16,
        TensorDataType.Int32 => TensorElementType.Int32,
        TensorDataType.Int64 => TensorElementType.Int64,
        TensorDataType.FP16 => TensorElementType.Float16,
        TensorDataType.FP32 => TensorElementType.Float,
        TensorDataType.FP64 => TensorElementType.Double,
        TensorDataType.BF16 => TensorElementType.BFloat16,
        TensorDataType.Bytes => TensorElementType.String,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "no ONNX element type"),
    };
}
