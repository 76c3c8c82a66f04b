using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Core.Packaging.Mlflow;

/// <summary>MLflow's tensor dtypes (numpy names) and column types as OIP datatype names.</summary>
public static class MlflowTypes
{
    /// <summary>The OIP datatype of a numpy dtype name; throws <see cref="PackagingException"/> for one OIP has no name for.</summary>
    public static string FromDtype(string dtype) => dtype switch
    {
        "bool" => TensorDataType.Bool.ToProtocolName(),
        "int8" => TensorDataType.Int8.ToProtocolName(),
        "int16" => TensorDataType.Int16.ToProtocolName(),
        "int32" => TensorDataType.Int32.ToProtocolName(),
        "int64" => TensorDataType.Int64.ToProtocolName(),
        "uint8" => TensorDataType.UInt8.ToProtocolName(),
        "uint16" => TensorDataType.UInt16.ToProtocolName(),
        "uint32" => TensorDataType.UInt32.ToProtocolName(),
        "uint64" => TensorDataType.UInt64.ToProtocolName(),
        "float16" => TensorDataType.FP16.ToProtocolName(),
        "float32" => TensorDataType.FP32.ToProtocolName(),
        "float64" => TensorDataType.FP64.ToProtocolName(),
        "str" or "object" or "bytes" => TensorDataType.Bytes.ToProtocolName(),
        _ => throw new PackagingException($"the MLflow signature uses the tensor dtype '{dtype}', which has no OIP datatype"),
    };

    /// <summary>The OIP datatype of an MLflow column type; throws <see cref="PackagingException"/> for datetime and nested types.</summary>
    public static string FromColumnType(string type) => type switch
    {
        "boolean" => TensorDataType.Bool.ToProtocolName(),
        "integer" => TensorDataType.Int32.ToProtocolName(),
        "long" => TensorDataType.Int64.ToProtocolName(),
        "float" => TensorDataType.FP32.ToProtocolName(),
        "double" => TensorDataType.FP64.ToProtocolName(),
        "string" or "binary" => TensorDataType.Bytes.ToProtocolName(),
        _ => throw new PackagingException($"the MLflow signature uses the column type '{type}', which the gateway cannot serve"),
    };

    /// <summary>Whether a column type holds numbers (or booleans), so several such columns can share one [N,k] tensor.</summary>
    public static bool IsNumericColumn(string type) => type is "boolean" or "integer" or "long" or "float" or "double";
}
