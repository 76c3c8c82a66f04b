using System.Runtime.CompilerServices;

namespace Serving.Core.Inference;

/// <summary>
/// The middle tier of <see cref="ShortFloatText.Format"/>: the shortest text of a float for the values its vector test
/// leaves, those that need more than nine decimals but at most nine significant digits (a probability such as
/// 0.00123456789), which .NET's own formatter takes about three times as long to write.
/// Exact integer arithmetic decides which decimals read back as the float: the float is m·2^e, the decimals that read
/// back as it lie strictly between the midpoints to its neighbours, and a decimal with k places is c/10^k; comparing
/// c·2^(2-e) with the midpoints·10^k in 128-bit integers is exact. Values outside 0.0001 to 10,000,000 (where .NET
/// changes notation), zero, NaN, infinities, and the rare decimal that falls exactly on a midpoint or exactly between
/// two candidates are refused (-1) and go to .NET's own formatter, so the text is always .NET's.
/// </summary>
internal static class ShortestSingle
{
    private const float Smallest = 1e-4f;
    private const float Largest = 1e7f;

    private static ReadOnlySpan<ulong> PowersOfTen => [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    private static ReadOnlySpan<ulong> PowersOfFive =>
    [
        1, 5, 25, 125, 625, 3_125, 15_625, 78_125, 390_625, 1_953_125, 9_765_625, 48_828_125, 244_140_625, 1_220_703_125,
        6_103_515_625,
    ];

    /// <summary>10^-4 to 10^7 as floats (those below 1 rounded), for <see cref="Digits"/>.</summary>
    private static ReadOnlySpan<float> PowerOfTenSingles => [1e-4f, 1e-3f, 1e-2f, 1e-1f, 1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f];

    /// <summary>Writes the shortest text; -1 when the value is left to .NET (out of range, or an exact tie) or does not fit.</summary>
    // Every method here runs once per output value of a batch-scored row: compiled optimised at once, not first as
    // unoptimised tier-0 code that a run of a few seconds spends much of its time in before tiering catches up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int TryFast(float value, Span<byte> destination)
    {
        var magnitude = Math.Abs(value);
        if (!(magnitude >= Smallest && magnitude < Largest))
        {
            return -1;
        }

        // magnitude = m·2^e with a 24-bit m and -37 ≤ e ≤ 0 (it is from 2^-14 to below 2^24).
        var bits = BitConverter.SingleToUInt32Bits(magnitude);
        var m = (bits & 0x7F_FFFF) | 0x80_0000;
        var e = (int)(bits >> 23) - 127 - 23;
        var powerOfTwo = (bits & 0x7F_FFFF) == 0;

        // Having a candidate with p places is monotonic in p (one with p places has p + 1 too, with a trailing zero), so
        // the fewest places are found going down from enough for nine significant digits, which always suffice for a
        // float: a model's outputs mostly need eight or nine, so this takes two or three probes. The estimate of the
        // magnitude's digits may be one off either way, hence one place of slack at each end.
        var digits = Digits(magnitude);
        var fewest = -digits - 1;
        var most = 10 - digits;
        if (Probe(m, e, powerOfTwo, most, out var best) <= 0)
        {
            return -1;
        }

        while (most > fewest)
        {
            var found = Probe(m, e, powerOfTwo, most - 1, out var candidate);
            if (found < 0)
            {
                return -1;
            }

            if (found == 0)
            {
                break;
            }

            most--;
            best = candidate;
        }

        return Write(value < 0, best, most, destination);
    }

    /// <summary>
    /// Whether a decimal with <paramref name="places"/> places reads back as m·2^e: 1 with the closest such (its digits,
    /// c of c/10^places), 0 when none does, -1 when one lies exactly on a midpoint or two are equally close (left to .NET).
    /// </summary>
    /// <remarks>
    /// In units of 2^(e-2), the float is 4m and the midpoints to its neighbours are 4m ± 2 (4m - 1 below a power of two,
    /// whose lower neighbour is twice as close). A candidate c/10^places = c·2^-places·5^-places, so comparing
    /// c·2^(2-e-places) with (4m ± 2)·5^places is exact, and every quantity stays below 2^63 for the magnitudes taken.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Probe(uint m, int e, bool powerOfTwo, int places, out ulong digits)
    {
        digits = 0;
        ulong exact;
        ulong low;
        int shift;
        ulong unit;
        if (places >= 0)
        {
            var five = PowersOfFive[places];
            exact = (ulong)m * five;
            var twos = places + e;
            if (twos > 0)
            {
                // Not reached for magnitudes below 10^7 with at most nine significant digits; left to .NET if it is.
                return -1;
            }

            low = exact >> -twos;
            shift = 2 - twos;
            unit = 1;
            exact <<= 2;
        }
        else
        {
            var ten = PowersOfTen[-places];
            low = (m >> -e) / ten;
            shift = 2 - e;
            unit = ten;
            exact = (ulong)m << 2;
            places = 0;
        }

        var five2 = places > 0 ? PowersOfFive[places] : 1;
        var upperBound = exact + (2 * five2);
        var lowerBound = exact - ((powerOfTwo ? 1UL : 2UL) * five2);
        var below = (low * unit) << shift;
        var above = ((low + 1) * unit) << shift;
        if (below == lowerBound || above == upperBound)
        {
            return -1;
        }

        var belowFits = below > lowerBound;
        var aboveFits = above < upperBound;
        if (belowFits && aboveFits)
        {
            var downBy = exact - below;
            var upBy = above - exact;
            if (downBy == upBy)
            {
                return -1;
            }

            digits = downBy < upBy ? low : low + 1;
            return 1;
        }

        if (belowFits || aboveFits)
        {
            digits = belowFits ? low : low + 1;
            return 1;
        }

        return 0;
    }

    /// <summary>An estimate of floor(log10(magnitude)) + 1 for magnitudes from 0.0001 up to 10^7; at most one off.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Digits(float magnitude)
    {
        var digits = 8;
        while (digits > -3 && magnitude < PowerOfTenSingles[digits - 1 + 4])
        {
            digits--;
        }

        return digits;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Write(bool negative, ulong digits, int places, Span<byte> destination)
    {
        while (places > 0 && digits % 10 == 0)
        {
            digits /= 10;
            places--;
        }

        Span<byte> text = stackalloc byte[24];
        var length = 0;
        while (digits > 0 || length <= places)
        {
            // Most significant last; a zero before the point when there are only places.
            if (length == places && places > 0)
            {
                text[length++] = (byte)'.';
            }

            text[length++] = (byte)('0' + (digits % 10));
            digits /= 10;
        }

        var total = length + (negative ? 1 : 0) + (places < 0 ? -places : 0);
        if (total > destination.Length)
        {
            return -1;
        }

        var at = 0;
        if (negative)
        {
            destination[at++] = (byte)'-';
        }

        for (var i = length - 1; i >= 0; i--)
        {
            destination[at++] = text[i];
        }

        for (var i = 0; i < -places; i++)
        {
            destination[at++] = (byte)'0';
        }

        return at;
    }
}
