using Google.Protobuf;
using Serving.Core.Contracts;

namespace Serving.Gateway.Grpc.Codecs;

/// <summary>Turns one <c>raw_input_contents</c> blob into a canonical tensor, copying its bytes once.</summary>
internal static class RawTensorReader
{
    /// <summary>Reads the blob of one input; throws BadRequest when its size does not match the shape.</summary>
    public static Tensor Read(string name, TensorDataType type, long[] shape, long elementCount, ByteString blob)
    {
        if (type == TensorDataType.Bytes)
        {
            return Tensor.FromElements(name, shape, BytesElementFraming.Split(blob.Span, elementCount, name));
        }

        var elementSize = type.ElementSize();
        var expected = elementCount > long.MaxValue / elementSize ? long.MaxValue : elementCount * elementSize;
        if (blob.Length != expected)
        {
            throw InferenceException.BadRequest(
                $"input '{CallerText.Cut(name)}' ({type.ToProtocolName()} {TensorShapes.Format(shape)}): raw_input_contents holds {blob.Length} bytes; " +
                $"expected {elementCount} elements x {elementSize} bytes = {expected}");
        }

        // Canonical tensors are little-endian, as the wire is; every platform .NET serves on here is too.
        return Tensor.FromBytes(name, type, shape, blob.Span.ToArray());
    }
}
