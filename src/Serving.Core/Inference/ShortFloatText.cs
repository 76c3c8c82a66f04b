using System.Globalization;

namespace Serving.Core.Inference;

/// <summary>
/// The shortest decimal text of an FP32 value that parses back to the same value, for the common case of a
/// value written with few decimals (17.99, 0.2776, 1001). Runtime's general shortest-round-trip formatter costs
/// about 100 ns a value; prediction logs write every input of every request, so this fast path (under 20 ns)
/// matters. Values it does not handle (tiny, huge, or needing more than 9 decimals) go to the general formatter.
/// </summary>
public static class ShortFloatText
{
    /// <summary>Longest text <see cref="TryFormat"/> writes: sign, 7 integer digits, point, 9 decimals.</summary>
    public const int MaxLength = 20;

    // Up to 10^9: 5^9 has 21 significant bits, so a float's 24-bit mantissa times any of these is exact in a double.
    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

    /// <summary>
    /// Writes a finite value's shortest round-trip text (the fast path, else the runtime's formatter) into a
    /// destination of at least <see cref="MaxLength"/> bytes; returns its length.
    /// </summary>
    public static int Format(float value, Span<byte> destination)
    {
        if (TryFormat(value, destination, out var written) ||
            value.TryFormat(destination, out written, default, CultureInfo.InvariantCulture))
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
        for (var decimals = 0; decimals < PowersOfTen.Length; decimals++)
        {
            var scaled = exact * PowersOfTen[decimals];
            var digits = Math.Round(scaled);
            if (Math.Abs(scaled - digits) < halfGap * PowersOfTen[decimals])
            {
                written = WriteFixed((ulong)digits, decimals, value < 0, destination);
                return true;
            }
        }

        return false;
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

    /// <summary>Writes digits / 10^decimals; the smallest round-tripping scale never leaves a trailing zero.</summary>
    private static int WriteFixed(ulong digits, int decimals, bool negative, Span<byte> destination)
    {
        // Lay out the text first, then fill it from its last digit back: no scratch buffer, no copy.
        var integerPart = digits / (ulong)PowersOfTen[decimals];
        var integerDigits = 1;
        for (var bound = 10UL; integerPart >= bound && integerDigits < 19; bound *= 10)
        {
            integerDigits++;
        }

        var length = (negative ? 1 : 0) + integerDigits + (decimals > 0 ? decimals + 1 : 0);
        var at = length - 1;
        for (var i = 0; i < decimals; i++)
        {
            var next = digits / 10;
            destination[at--] = (byte)('0' + (int)(digits - (next * 10)));
            digits = next;
        }

        if (decimals > 0)
        {
            destination[at--] = (byte)'.';
        }

        do
        {
            var next = digits / 10;
            destination[at--] = (byte)('0' + (int)(digits - (next * 10)));
            digits = next;
        }
        while (digits != 0);

        if (negative)
        {
            destination[0] = (byte)'-';
        }

        return length;
    }
}
