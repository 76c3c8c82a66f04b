using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Serving.Cli.Scoring;

/// <summary>
/// Reads the commonest CSV number, <c>[-]digits[.digits]</c> of at most 8 bytes after the sign (<c>0.07871</c>,
/// <c>17.99</c>, <c>1001</c>), from one 8-byte word, with no branch that depends on the digits.
/// The byte-by-byte reader (<see cref="Serving.Core.Inference.Mlflow.MlflowTextValues.TryReadShortDecimalPrefix"/>)
/// leaves its digit loops at a place that changes from cell to cell, which the CPU mispredicts, and finds where the
/// next cell starts only once this one is read. Here a row's commas are found first, a vector at a time
/// (<see cref="FindCommas"/>), so every cell's bounds are known and the CPU reads several cells at once; each cell's
/// point and digits are found with bit operations on its word and combined by three multiplications.
/// The value is the same float as <see cref="float.Parse(string)"/> gives: a mantissa below 2^24 and at most 7
/// decimals make two exact floats, so one IEEE division rounds correctly (Clinger's fast path, as the byte-by-byte
/// reader). Anything else is left to the caller's slower reader.
/// </summary>
internal static class ShortDecimalWord
{
    /// <summary>Bytes that must be readable from a cell's start, whatever its length: a sign and a word.</summary>
    public const int Window = 9;

    private const ulong Ones = 0x0101010101010101;
    private const ulong High = 0x8080808080808080;

    private static ReadOnlySpan<float> PowersOfTen => [1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f];

    /// <summary>Reads the cell of <paramref name="length"/> bytes at the start of <paramref name="text"/>.</summary>
    /// <param name="text">The cell and what follows it, at least <see cref="Window"/> bytes (else nothing is read).</param>
    /// <returns>False when the cell is not in this form; the caller reads it the slower way.</returns>
    // Inlined into the row's loop (compiled optimised at once), where its constants stay in registers from cell to cell.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRead(ReadOnlySpan<byte> text, int length, out float value)
    {
        value = 0;
        if (text.Length < Window || (uint)(length - 1) >= Window)
        {
            return false;
        }

        var sign = text[0] == (byte)'-' ? 1 : 0;
        var size = length - sign;
        if (size is 0 or > 8)
        {
            return false;
        }

        // Digits become their values, a point 0x1E, anything else something above 9.
        var bytes = BinaryPrimitives.ReadUInt64LittleEndian(text[sign..]) ^ (0x30 * Ones);

        // A flag on each byte of the cell that is no digit: its value, or its value plus 0x76, reaches 0x80. A carry
        // out of a byte of 0x8A or more only disturbs the bytes after it, and that byte is flagged, so the cell is
        // refused anyway.
        var flags = (bytes | (bytes + (0x76 * Ones))) & (High >> ((8 - size) * 8));

        // The one byte allowed not to be a digit is a point: its flag is the lowest, and below it lie the integer
        // digits (all of them when there is no point: then the flags are 0 and this is all ones).
        var point = (flags & (0 - flags)) >> 7;
        var below = point - 1;
        var hasPoint = point != 0 ? 1 : 0;
        var count = size - hasPoint;
        var decimals = hasPoint != 0 ? size - (BitOperations.TrailingZeroCount(point) >> 3) - 1 : 0;

        // Digits without the point (those after it move down into its place), most significant in the lowest byte,
        // moved up to the word's top with zeros below, which also drops what followed the cell: an 8-digit number
        // with leading zeros, combined pairwise, then in fours, then whole.
        var digits = ((bytes & below) | ((bytes >> 8) & ~below)) << ((8 - count) * 8);
        digits = (digits * 10) + (digits >> 8);
        var mantissa = (long)((((digits & 0x000000FF000000FF) * (100 + (1000000UL << 32))) + (((digits >> 16) & 0x000000FF000000FF) * (1 + (10000UL << 32)))) >> 32);

        if ((flags & ~(point << 7)) != 0 || (bytes & (point * 0xFF)) != point * 0x1E || count == 0 || mantissa >= 1 << 24)
        {
            return false;
        }

        var result = (float)(int)mantissa / PowersOfTen[decimals];
        value = sign != 0 ? -result : result;
        return true;
    }

    /// <summary>
    /// Writes where the commas of the row's first <paramref name="rowLength"/> bytes of <paramref name="text"/> are
    /// into <paramref name="commas"/>, a vector of bytes at a time; returns how many there are, or -1 when there are
    /// more than <paramref name="commas"/> holds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FindCommas(ReadOnlySpan<byte> text, int rowLength, Span<int> commas)
    {
        var count = 0;
        var at = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var comma = Vector256.Create((byte)',');
            while (at < rowLength && at + Vector256<byte>.Count <= text.Length)
            {
                var found = Vector256.Equals(Vector256.Create(text.Slice(at, Vector256<byte>.Count)), comma).ExtractMostSignificantBits();
                if (rowLength - at < Vector256<byte>.Count)
                {
                    found &= (1u << (rowLength - at)) - 1;
                }

                while (found != 0)
                {
                    if (count == commas.Length)
                    {
                        return -1;
                    }

                    commas[count++] = at + BitOperations.TrailingZeroCount(found);
                    found &= found - 1;
                }

                at += Vector256<byte>.Count;
            }
        }

        for (; at < rowLength; at++)
        {
            if (text[at] == (byte)',')
            {
                if (count == commas.Length)
                {
                    return -1;
                }

                commas[count++] = at;
            }
        }

        return count;
    }
}
