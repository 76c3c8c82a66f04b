namespace Serving.Core.Contracts;

/// <summary>The Open Inference Protocol v2 tensor datatypes.</summary>
public enum TensorDataType
{
    Bool,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Int8,
    Int16,
    Int32,
    Int64,
    FP16,
    FP32,
    FP64,
    Bytes,
    BF16,
}
