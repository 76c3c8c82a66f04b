using System.Buffers.Binary;
using Serving.Core.Contracts;

namespace Serving.Gateway.Grpc.Codecs;

/// <summary>
/// The raw layout of a BYTES tensor, as Triton writes it: each element is a 4-byte little-endian length
/// followed by that many bytes, elements back to back in row-major order.
/// </summary>
internal static class BytesElementFraming
{
    private const int PrefixSize = sizeof(uint);

    /// <summary>Splits a raw blob into exactly <paramref name="expectedCount"/> elements or throws BadRequest.</summary>
    public static byte[][] Split(ReadOnlySpan<byte> blob, long expectedCount, string inputName)
    {
        // Every element needs at least its prefix, so a shape larger than this cannot match; checking first
        // keeps a hostile shape from allocating a huge array.
        if (expectedCount > blob.Length / PrefixSize)
        {
            throw Mismatch(inputName, expectedCount, $"a {blob.Length}-byte blob cannot hold that many length-prefixed elements");
        }

        var elements = new byte[expectedCount][];
        var offset = 0;
        for (var i = 0; i < elements.Length; i++)
        {
            if (blob.Length - offset < PrefixSize)
            {
                throw Mismatch(inputName, expectedCount, $"the blob ends after {i} elements");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(blob[offset..]);
            offset += PrefixSize;
            if (length > (uint)(blob.Length - offset))
            {
                throw InferenceException.BadRequest(
                    $"input '{CallerText.Cut(inputName)}': BYTES element {i} declares {length} bytes but only {blob.Length - offset} remain in raw_input_contents");
            }

            elements[i] = blob.Slice(offset, (int)length).ToArray();
            offset += (int)length;
        }

        if (offset != blob.Length)
        {
            throw Mismatch(inputName, expectedCount, $"{blob.Length - offset} bytes are left after the last element");
        }

        return elements;
    }

    /// <summary>The size in bytes of the elements' length-prefixed blob.</summary>
    public static long Size(byte[][] elements)
    {
        long total = 0;
        foreach (var element in elements)
        {
            total += PrefixSize + element.Length;
        }

        return total;
    }

    /// <summary>
    /// The size of a tensor's raw form, as raw contents (gRPC) and binary tensor data (REST) carry it: its bytes, or
    /// for BYTES each element's length prefix and its bytes.
    /// </summary>
    public static long RawSize(Tensor tensor) => tensor.Elements is { } elements ? Size(elements) : tensor.Data.Length;

    private static InferenceException Mismatch(string inputName, long expectedCount, string detail) =>
        InferenceException.BadRequest(
            $"input '{CallerText.Cut(inputName)}': raw BYTES data must hold {expectedCount} elements, each a 4-byte little-endian length and its bytes; {detail}");
}
