using Google.Protobuf;
using Google.Protobuf.Collections;
using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Grpc.Codecs;

/// <summary>
/// Writes a canonical tensor as typed <c>InferTensorContents</c>. FP16 and BF16 have no typed field in the
/// specification and are never written here: <see cref="GrpcTensorEncoder"/> answers raw when they occur.
/// </summary>
internal static class TypedContentsWriter
{
    /// <summary>The contents message for one output.</summary>
    public static InferTensorContents Write(Tensor tensor)
    {
        var contents = new InferTensorContents();
        switch (tensor.DataType)
        {
            case TensorDataType.Bool:
                Widen(tensor.Data, contents.BoolContents, static b => b != 0);
                break;
            case TensorDataType.Int8:
                Widen(tensor.AsSpan<sbyte>(), contents.IntContents, static v => v);
                break;
            case TensorDataType.Int16:
                Widen(tensor.AsSpan<short>(), contents.IntContents, static v => v);
                break;
            case TensorDataType.Int32:
                contents.IntContents.AddRange(tensor.AsSpan<int>());
                break;
            case TensorDataType.Int64:
                contents.Int64Contents.AddRange(tensor.AsSpan<long>());
                break;
            case TensorDataType.UInt8:
                Widen(tensor.Data, contents.UintContents, static v => v);
                break;
            case TensorDataType.UInt16:
                Widen(tensor.AsSpan<ushort>(), contents.UintContents, static v => v);
                break;
            case TensorDataType.UInt32:
                contents.UintContents.AddRange(tensor.AsSpan<uint>());
                break;
            case TensorDataType.UInt64:
                contents.Uint64Contents.AddRange(tensor.AsSpan<ulong>());
                break;
            case TensorDataType.FP32:
                contents.Fp32Contents.AddRange(tensor.AsSpan<float>());
                break;
            case TensorDataType.FP64:
                contents.Fp64Contents.AddRange(tensor.AsSpan<double>());
                break;
            case TensorDataType.Bytes:
                WriteElements(tensor.Elements ?? [], contents.BytesContents);
                break;
            default:
                throw new InferenceException($"output '{tensor.Name}' is {tensor.DataType.ToProtocolName()}, which has no typed contents field");
        }

        return contents;
    }

    private static void Widen<TElement, TWire>(ReadOnlySpan<TElement> values, RepeatedField<TWire> field, Func<TElement, TWire> widen)
    {
        field.Capacity = values.Length;
        foreach (var value in values)
        {
            field.Add(widen(value));
        }
    }

    private static void WriteElements(byte[][] elements, RepeatedField<ByteString> field)
    {
        field.Capacity = elements.Length;
        foreach (var element in elements)
        {
            // The response owns its tensors once the data plane returns them, so wrapping without a copy is safe.
            field.Add(UnsafeByteOperations.UnsafeWrap(element));
        }
    }
}
