using Google.Protobuf.Collections;
using Serving.Core.Contracts;

namespace Serving.Gateway.Grpc.Codecs;

/// <summary>Reads a wire shape into a concrete one and counts its elements, refusing what cannot be a tensor.</summary>
internal static class TensorShapes
{
    /// <summary>Copies the shape and returns its element count; throws BadRequest for negative or overflowing dims.</summary>
    public static long[] Read(RepeatedField<long> wire, string inputName, out long elementCount)
    {
        var shape = new long[wire.Count];
        var empty = false;
        for (var i = 0; i < shape.Length; i++)
        {
            var dim = wire[i];
            if (dim < 0)
            {
                throw InferenceException.BadRequest(
                    $"input '{CallerText.Cut(inputName)}': shape {Format(wire)} has a negative dimension; send the concrete size of every dimension");
            }

            shape[i] = dim;
            empty |= dim == 0;
        }

        // A zero dimension makes an empty tensor, but the others must still multiply without overflow: the shape is
        // refused as REST refuses it, and nothing that counts the tensor's elements later can overflow on it.
        var nonZero = Multiply(shape, inputName);
        elementCount = empty ? 0 : nonZero;
        return shape;
    }

    /// <summary>
    /// Formats a shape as <c>[2,3]</c> for messages; a shape of more than <see cref="MaxShownDims"/> dimensions
    /// shows its first ones and how many there are, since the caller chooses how many it sends.
    /// </summary>
    public static string Format(IEnumerable<long> shape)
    {
        var dims = shape as IReadOnlyCollection<long> ?? shape.ToArray();
        return dims.Count <= MaxShownDims
            ? "[" + string.Join(",", dims) + "]"
            : "[" + string.Join(",", dims.Take(MaxShownDims)) + $",...] ({dims.Count} dimensions)";
    }

    private const int MaxShownDims = 8;

    private static long Multiply(long[] shape, string inputName)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim == 0)
            {
                continue;
            }

            if (count > long.MaxValue / dim)
            {
                throw InferenceException.BadRequest($"input '{CallerText.Cut(inputName)}': shape {Format(shape)} has too many elements");
            }

            count *= dim;
        }

        return count;
    }
}
