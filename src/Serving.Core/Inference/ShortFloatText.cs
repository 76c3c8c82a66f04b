using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Serving.Core.Inference;

/// <summary>
/// The shortest decimal text of an FP32 value that parses back to the same value, for the common case of a
/// value written with few decimals (17.99, 0.2776, 1001). Runtime's general shortest-round-trip formatter costs
/// about 100 ns a value; prediction logs write every input of every request, so this fast path (under 20 ns)
/// matters. Values needing more than 9 decimals go to an exact test by significant digits (<see cref="ShortestSingle"/>,
/// about 70 ns), and what that refuses (tiny, huge, exact ties) to the general formatter.
/// </summary>
public static class ShortFloatText
{
    /// <summary>Longest text <see cref="TryFormat"/> writes: sign, 7 integer digits, point, 9 decimals.</summary>
    public const int MaxLength = 20;

    // Up to 10^9: 5^9 has 21 significant bits, so a float's 24-bit mantissa times any of these is exact in a double.
    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

    // The same scales for the vector test; the last lanes repeat 10^9, so they can only agree with lane 9.
    private static readonly Vector256<double> LowScales = Vector256.Create(1, 1e1, 1e2, 1e3);
    private static readonly Vector256<double> MiddleScales = Vector256.Create(1e4, 1e5, 1e6, 1e7);
    private static readonly Vector256<double> HighScales = Vector256.Create(1e8, 1e9, 1e9, 1e9);

    /// <summary>
    /// Writes a value's shortest round-trip text, as <c>float.ToString(CultureInfo.InvariantCulture)</c> writes it
    /// (the fast path, else the exact one, else the runtime's formatter), into a destination of at least
    /// <see cref="MaxLength"/> bytes; returns its length.
    /// </summary>
    public static int Format(float value, Span<byte> destination)
    {
        if (TryFormat(value, destination, out var written))
        {
            return written;
        }

        written = ShortestSingle.TryFast(value, destination);
        if (written >= 0 || value.TryFormat(destination, out written, default, CultureInfo.InvariantCulture))
        {
            return written;
        }

        throw new ArgumentException($"{MaxLength} bytes are needed to format {value}", nameof(destination));
    }

    /// <summary>
    /// Writes <paramref name="value"/> in fixed-point notation with the fewest decimals that round-trip, the
    /// same text as <c>float.ToString("R")</c> for values in [1e-4, 1e7).
    /// </summary>
    public static bool TryFormat(float value, Span<byte> destination, out int written)
    {
        written = 0;
        var magnitude = Math.Abs(value);
        if (magnitude == 0)
        {
            return TryWriteZero(float.IsNegative(value), destination, out written);
        }

        // Outside this range the general formatter switches to exponent notation; keep its text there.
        if (!(magnitude >= 1e-4f && magnitude < 1e7f) || destination.Length < MaxLength)
        {
            return false;
        }

        // Half the gap to the neighbouring floats. A decimal closer to the value than that parses back to it
        // exactly, whatever the parser's tie rule; scaled by 10^k it stays exact (a power of two times 10^k).
        var exponent = (BitConverter.SingleToInt32Bits(magnitude) >> 23) & 0xFF;
        var halfGap = BitConverter.Int64BitsToDouble((long)(exponent - 127 - 24 + 1023) << 52);
        double exact = magnitude;
        var decimals = Vector256.IsHardwareAccelerated ? FewestDecimals256(exact, halfGap) : FewestDecimals(exact, halfGap);
        if (decimals < 0)
        {
            return false;
        }

        // Under 10^9: the shortest text of a float has at most 9 significant digits, and none trail a decimal
        // point (one fewer decimal would then do), so the digits fit an unsigned 32-bit integer.
        var digits = (uint)Math.Round(exact * PowersOfTen[decimals]);
        written = WriteFixed(digits, decimals, value < 0, destination);
        return true;
    }

    /// <summary>The fewest decimals (0 to 9) whose rounding lies within <paramref name="halfGap"/>; -1 when none.</summary>
    internal static int FewestDecimals(double exact, double halfGap)
    {
        for (var decimals = 0; decimals < PowersOfTen.Length; decimals++)
        {
            var scaled = exact * PowersOfTen[decimals];
            if (Math.Abs(scaled - Math.Round(scaled)) < halfGap * PowersOfTen[decimals])
            {
                return decimals;
            }
        }

        return -1;
    }

    /// <summary>
    /// The same test for all ten scales at once: the same arithmetic lane by lane (so the same answer), without
    /// the loop's exit branch, which mispredicts on nearly every value because the decimals vary from one to the next.
    /// </summary>
    internal static int FewestDecimals256(double exact, double halfGap)
    {
        var value = Vector256.Create(exact);
        var gap = Vector256.Create(halfGap);
        var mask = Fits(value, gap, LowScales) | (Fits(value, gap, MiddleScales) << 4) | (Fits(value, gap, HighScales) << 8);
        return mask == 0 ? -1 : BitOperations.TrailingZeroCount(mask);
    }

    private static uint Fits(Vector256<double> value, Vector256<double> halfGap, Vector256<double> scales)
    {
        var scaled = value * scales;
        var off = Vector256.Abs(scaled - Vector256.Round(scaled));
        return Vector256.LessThan(off, halfGap * scales).ExtractMostSignificantBits();
    }

    private static bool TryWriteZero(bool negative, Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < 2)
        {
            return false;
        }

        if (negative)
        {
            destination[written++] = (byte)'-';
        }

        destination[written++] = (byte)'0';
        return true;
    }

    /// <summary>
    /// Writes digits / 10^decimals, two digits at a time from the last one back; the smallest round-tripping scale
    /// never leaves a trailing zero. The caller has checked that the destination holds <see cref="MaxLength"/> bytes.
    /// </summary>
    private static int WriteFixed(uint digits, int decimals, bool negative, Span<byte> destination)
    {
        var scale = (uint)PowersOfTen[decimals];
        var integerPart = digits / scale;
        var fraction = digits - (integerPart * scale);
        var integerDigits = 1;
        for (var bound = 10U; integerPart >= bound && integerDigits < 10; bound *= 10)
        {
            integerDigits++;
        }

        var length = (negative ? 1 : 0) + integerDigits + (decimals > 0 ? decimals + 1 : 0);
        ref var text = ref MemoryMarshal.GetReference(destination);
        var at = length;
        var left = decimals;
        for (; left >= 2; left -= 2)
        {
            at -= 2;
            fraction = WritePair(ref text, at, fraction);
        }

        if (left == 1)
        {
            Unsafe.Add(ref text, --at) = (byte)('0' + fraction);
        }

        if (decimals > 0)
        {
            Unsafe.Add(ref text, --at) = (byte)'.';
        }

        for (; integerPart >= 100; at -= 2)
        {
            integerPart = WritePair(ref text, at - 2, integerPart);
        }

        if (integerPart >= 10)
        {
            WritePair(ref text, at - 2, integerPart);
        }
        else
        {
            Unsafe.Add(ref text, at - 1) = (byte)('0' + integerPart);
        }

        if (negative)
        {
            text = (byte)'-';
        }

        return length;
    }

    /// <summary>Writes the last two digits of <paramref name="value"/> at <paramref name="at"/>; returns value / 100.</summary>
    private static uint WritePair(ref byte text, int at, uint value)
    {
        var rest = value / 100;
        var pair = (int)(value - (rest * 100)) * 2;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref text, at), Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref MemoryMarshal.GetReference(DigitPairs), pair)));
        return rest;
    }

    private static ReadOnlySpan<byte> DigitPairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;
}
