using System.Globalization;
using System.Text;
using Serving.Core.Inference;

namespace Serving.Core.Tests.Inference;

/// <summary>The float formatter (both fast tiers, then .NET) writes exactly the text .NET writes, only faster.</summary>
public sealed class ShortestSingleTests
{
    [Fact]
    public void Floats_are_written_exactly_as_float_ToString_writes_them()
    {
        var random = new Random(13);
        var values = new List<float>();
        for (var i = 0; i < 100_000; i++)
        {
            values.Add(BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)));
            values.Add((float)random.NextDouble());
            values.Add((float)(random.NextDouble() * 1000) - 500);
        }

        // Where the notation changes, where the exponent steps (powers of two), and every float around 1 and 0.0001.
        for (var p = -20; p <= 26; p++)
        {
            var power = MathF.Pow(2, p);
            values.AddRange([power, -power, BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(power) - 1), BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(power) + 1)]);
        }

        foreach (var around in new[] { 1f, 1e-4f, 1e7f, 0.5f, 8388608f })
        {
            var bits = BitConverter.SingleToUInt32Bits(around);
            for (var d = -2000; d <= 2000; d++)
            {
                values.Add(BitConverter.UInt32BitsToSingle((uint)(bits + d)));
            }
        }

        values.AddRange([0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, float.MaxValue, 0.1f, 1f / 3, 123456.7f, 9999999f, 2.5f]);

        var buffer = new byte[64];
        var fast = 0;
        foreach (var value in values)
        {
            var expected = value.ToString(CultureInfo.InvariantCulture);
            var length = ShortFloatText.Format(value, buffer);
            Assert.Equal(expected, Encoding.ASCII.GetString(buffer, 0, length));

            // The exact tier on its own, wherever it answers (ShortFloatText's vector test takes most values first).
            var exact = ShortestSingle.TryFast(value, buffer);
            if (exact >= 0)
            {
                Assert.Equal(expected, Encoding.ASCII.GetString(buffer, 0, exact));
                fast++;
            }
        }

        // The exact tier must take what models mostly output, not leave every value to .NET.
        Assert.True(fast > values.Count / 2, $"the exact tier took {fast} of {values.Count} values");
    }

    [Fact]
    public void A_value_that_does_not_fit_the_destination_is_refused()
    {
        Assert.Equal(-1, ShortestSingle.TryFast(0.33333334f, new byte[4]));
        Assert.Equal(-1, ShortestSingle.TryFast(0.0012345678f, new byte[4]));
    }
}
