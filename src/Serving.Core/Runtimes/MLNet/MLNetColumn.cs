using Microsoft.ML;
using Microsoft.ML.Data;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>
/// An ML.NET column as a tensor: a scalar column is [N], a vector column [N,k] (k = -1 when its size varies).
/// Single, Double and the integer types map to their OIP types, Boolean to BOOL, Text to UTF-8 BYTES. Key columns
/// carry their raw key values (1-based, 0 = missing) under the raw type's OIP name: the usual UInt32 keys are UINT32.
/// </summary>
internal sealed record MLNetColumn(DataViewSchema.Column Column, TensorDataType DataType, Type ItemType, bool IsVector, int VectorSize)
{
    public string Name => Column.Name;

    public TensorSpec ToSpec() => new()
    {
        Name = Name,
        Datatype = DataType.ToProtocolName(),
        Shape = IsVector ? [-1, VectorSize == 0 ? -1 : VectorSize] : [-1],
    };

    public static bool TryCreate(DataViewSchema.Column column, out MLNetColumn result)
    {
        result = null!;
        var type = column.Type;
        var isVector = type is VectorDataViewType;
        var item = type is VectorDataViewType vector ? vector.ItemType : type;
        if (type is VectorDataViewType { Dimensions.Length: > 1 } || !TryMapItem(item, out var dataType))
        {
            return false;
        }

        result = new MLNetColumn(column, dataType, item.RawType, isVector, (type as VectorDataViewType)?.Size ?? 0);
        return true;
    }

    private static bool TryMapItem(DataViewType item, out TensorDataType dataType)
    {
        dataType = default;
        if (item is not (NumberDataViewType or BooleanDataViewType or TextDataViewType or KeyDataViewType))
        {
            return false;
        }

        var raw = item.RawType;
        (var known, dataType) = raw switch
        {
            _ when raw == typeof(float) => (true, TensorDataType.FP32),
            _ when raw == typeof(double) => (true, TensorDataType.FP64),
            _ when raw == typeof(sbyte) => (true, TensorDataType.Int8),
            _ when raw == typeof(byte) => (true, TensorDataType.UInt8),
            _ when raw == typeof(short) => (true, TensorDataType.Int16),
            _ when raw == typeof(ushort) => (true, TensorDataType.UInt16),
            _ when raw == typeof(int) => (true, TensorDataType.Int32),
            _ when raw == typeof(uint) => (true, TensorDataType.UInt32),
            _ when raw == typeof(long) => (true, TensorDataType.Int64),
            _ when raw == typeof(ulong) => (true, TensorDataType.UInt64),
            _ when raw == typeof(bool) => (true, TensorDataType.Bool),
            _ when raw == typeof(ReadOnlyMemory<char>) => (true, TensorDataType.Bytes),
            _ => (false, default),
        };
        return known;
    }
}
