using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Serving.Core.Inference.Mlflow;

/// <summary>
/// Reads one text field (a CSV cell) as a typed value the way MLflow's <c>text/csv</c> input does: pandas' missing
/// spellings and an empty field are NaN for floating-point inputs, integers may be written <c>3.0</c>. Shared by
/// <c>/invocations</c> and <c>serving score</c> so a file scores as the same rows posted would.
/// </summary>
public static class MlflowTextValues
{
    // A number first: that is almost every cell, and no missing or infinity spelling parses as a finite number
    // (those that parse at all, NaN and Infinity, give the same value either way).
    public static bool TryReadSingle(ReadOnlySpan<char> text, out float value)
    {
        if (TryReadShortDecimal(text, out value) || float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        if (TryReadMissingOrInfinity(text, out var special))
        {
            value = (float)special;
            return true;
        }

        return false;
    }

    /// <summary>Powers of ten that a float holds exactly (5^10 &lt; 2^24).</summary>
    private static ReadOnlySpan<float> ExactPowersOfTen => [1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f];

    /// <summary>
    /// What data files mostly hold, <c>[-]digits[.digits]</c> with a mantissa below 2^24 and at most 10 decimals, read
    /// about five times faster than <see cref="float.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider, out float)"/>
    /// and to the same float: the mantissa and the power of ten are both exact floats, so one IEEE division rounds
    /// correctly (Clinger's fast path). Anything else returns false and goes to the full parser.
    /// </summary>
    public static bool TryReadShortDecimal(ReadOnlySpan<char> text, out float value) => TryReadShortDecimal<char>(text, out value);

    /// <summary>The same fast path over a UTF-8 field, so a CSV read as bytes needs no decoding for its numbers.</summary>
    public static bool TryReadShortDecimal(ReadOnlySpan<byte> utf8, out float value) => TryReadShortDecimal<byte>(utf8, out value);

    private static bool TryReadShortDecimal<T>(ReadOnlySpan<T> text, out float value)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (text.Length > 0 && TryReadShortDecimalPrefix(text, out value, out _) == text.Length)
        {
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>
    /// The short decimal that <paramref name="utf8"/> starts with, read as <see cref="TryReadShortDecimal(ReadOnlySpan{byte}, out float)"/>
    /// reads a whole field; returns how many bytes it took (0 when none was read, or one too long for the fast path
    /// was). Lets a CSV row be split and its numbers read in one pass: the caller checks that a comma or the row's end
    /// follows, and otherwise reads the field the long way.
    /// </summary>
    public static int TryReadShortDecimalPrefix(ReadOnlySpan<byte> utf8, out float value) => TryReadShortDecimalPrefix<byte>(utf8, out value, out _);

    /// <summary>
    /// The same, also saying whether the text is exactly the value's shortest round-trip text as the gateway writes it
    /// (<see cref="ShortFloatText"/>): at most 6 significant digits (FLT_DIG: no shorter decimal reads as the same
    /// float, and no other of that length), no trailing zero after the point, and written in fixed point (a
    /// magnitude from 1e-4 to under 1e7, or zero). Integers under 1e7 are exact floats, so their text is theirs.
    /// </summary>
    public static int TryReadShortDecimalPrefix(ReadOnlySpan<byte> utf8, out float value, out bool shortest) => TryReadShortDecimalPrefix<byte>(utf8, out value, out shortest);

    // One body for chars and UTF-8 bytes: the digits, '-' and '.' are ASCII, the same code unit in both.
    // Called per cell by serving score, a process that lives seconds: compiled optimised at once, not first as
    // unoptimised tier-0 code that a short run spends much of its time in before tiering catches up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int TryReadShortDecimalPrefix<T>(ReadOnlySpan<T> text, out float value, out bool shortest)
        where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        shortest = false;
        var minus = text.Length > 0 && text[0] == T.CreateTruncating('-');
        var i = minus ? 1 : 0;

        // Digits, then perhaps a point and more digits, each in a loop of its own: no counting per digit. Up to 18
        // digits cannot overflow a long, and up to 7 cannot reach 2^24, so the mantissa is checked once, at the end.
        long mantissa = 0;
        var first = i;
        uint digit;
        while (i < text.Length && (digit = uint.CreateTruncating(text[i]) - '0') <= 9)
        {
            mantissa = (mantissa * 10) + digit;
            i++;
        }

        var digits = i - first;
        var decimals = 0;
        if (i < text.Length && text[i] == T.CreateTruncating('.'))
        {
            var point = ++i;
            while (i < text.Length && (digit = uint.CreateTruncating(text[i]) - '0') <= 9)
            {
                mantissa = (mantissa * 10) + digit;
                i++;
            }

            decimals = i - point;
            digits += decimals;
        }

        if (digits == 0 || decimals > 10 || (digits > 7 && (digits > 18 || mantissa >= 1 << 24)))
        {
            return 0;
        }

        var result = decimals > 0 ? mantissa / ExactPowersOfTen[decimals] : mantissa;
        value = minus ? -result : result;
        shortest = decimals == 0 ? mantissa < 10_000_000 : mantissa % 10 != 0 && mantissa < 1_000_000 && result >= 1e-4f;
        return i;
    }

    public static bool TryReadDouble(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) ||
        TryReadMissingOrInfinity(text, out value);

    /// <summary>An integer; one written with a zero fraction (<c>3.0</c>) counts, since many writers emit those.</summary>
    public static bool TryReadInt64(ReadOnlySpan<char> text, out long value)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && TryIntegral(real, out value);
    }

    public static bool TryReadUInt64(ReadOnlySpan<char> text, out ulong value) =>
        ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    public static bool TryReadBoolean(ReadOnlySpan<char> text, out bool value)
    {
        var trimmed = text.Trim();
        value = trimmed.Equals("true", StringComparison.OrdinalIgnoreCase);
        return value || trimmed.Equals("false", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A whole number that fits a long; 2^63 is exactly representable, and anything at or past it does not fit.</summary>
    public static bool TryIntegral(double real, out long value)
    {
        if (Math.Floor(real) == real && real >= -9.2233720368547758E18 && real < 9.2233720368547758E18)
        {
            value = (long)real;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>pandas' default missing-value spellings (and an empty field), and the infinities Python and .NET print.</summary>
    public static bool TryReadMissingOrInfinity(ReadOnlySpan<char> text, out double value)
    {
        var trimmed = text.Trim();
        if (trimmed.IsEmpty || trimmed is "NaN" or "nan" or "-NaN" or "-nan" or "NA" or "N/A" or "n/a" or "<NA>" or "NULL" or "null" or "None" or "#N/A")
        {
            value = double.NaN;
            return true;
        }

        var negative = trimmed[0] == '-';
        var magnitude = negative || trimmed[0] == '+' ? trimmed[1..] : trimmed;
        if (magnitude.Equals("inf", StringComparison.OrdinalIgnoreCase) ||
            magnitude.Equals("infinity", StringComparison.OrdinalIgnoreCase) ||
            magnitude is "∞")
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        value = 0;
        return false;
    }
}
