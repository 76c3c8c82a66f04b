using System.Globalization;
using System.Text;
using Serving.Core.Inference;

namespace Serving.Core.Tests.Inference;

public sealed class ShortFloatTextTests
{
    [Theory]
    [InlineData(17.99f, "17.99")]
    [InlineData(0.2776f, "0.2776")]
    [InlineData(1001f, "1001")]
    [InlineData(-0.006399f, "-0.006399")]
    [InlineData(0.0001f, "0.0001")]
    [InlineData(9999999f, "9999999")]
    [InlineData(0.1f, "0.1")]
    [InlineData(0f, "0")]
    [InlineData(-0f, "-0")]
    public void Writes_the_shortest_text_that_round_trips(float value, string expected)
    {
        Assert.Equal(expected, Format(value));
    }

    [Fact]
    public void The_vector_and_scalar_searches_for_the_fewest_decimals_agree()
    {
        // Machines without 256-bit vectors take the scalar loop; this one may not, so compare the two directly.
        var random = new Random(11);
        for (var i = 0; i < 200_000; i++)
        {
            var value = i % 2 == 0
                ? (float)(random.Next(1, 10_000_000) / Math.Pow(10, random.Next(0, 11)))
                : BitConverter.Int32BitsToSingle(random.Next(0x38D1B717, 0x4B189680)); // [1e-4, 1e7)
            var exponent = (BitConverter.SingleToInt32Bits(value) >> 23) & 0xFF;
            var halfGap = BitConverter.Int64BitsToDouble((long)(exponent - 127 - 24 + 1023) << 52);
            Assert.Equal(ShortFloatText.FewestDecimals(value, halfGap), ShortFloatText.FewestDecimals256(value, halfGap));
        }
    }

    [Theory]
    [InlineData(1e-5f)]
    [InlineData(1e7f)]
    [InlineData(3.4e38f)]
    [InlineData(float.Epsilon)]
    [InlineData(0.00012345678f)] // 11 decimals: more than the fast path tries
    public void Leaves_values_it_cannot_write_exactly_to_the_general_formatter(float value)
    {
        Assert.False(ShortFloatText.TryFormat(value, new byte[ShortFloatText.MaxLength], out var written));
        Assert.Equal(0, written);
    }

    [Theory]
    [InlineData(1e-5f)]
    [InlineData(3.4e38f)]
    [InlineData(-0.00012345678f)]
    [InlineData(17.99f)]
    public void Format_writes_the_runtimes_text_whichever_path_it_takes(float value)
    {
        var buffer = new byte[ShortFloatText.MaxLength];
        var length = ShortFloatText.Format(value, buffer);

        Assert.Equal(value.ToString(CultureInfo.InvariantCulture), Encoding.ASCII.GetString(buffer, 0, length));
    }

    [Fact]
    public void Refuses_a_destination_that_may_be_too_short()
    {
        Assert.False(ShortFloatText.TryFormat(17.99f, new byte[ShortFloatText.MaxLength - 1], out _));
    }

    [Fact]
    public void Agrees_with_the_runtime_on_every_value_it_writes_and_parses_back_exactly()
    {
        // Random bit patterns cover every exponent; decimals rounded to 0-6 places are what real data looks like.
        var random = new Random(20261126);
        var buffer = new byte[ShortFloatText.MaxLength];
        int written = 0, decimalsWritten = 0;
        for (var i = 0; i < 300_000; i++)
        {
            var anyBits = BitConverter.Int32BitsToSingle(random.Next() | (random.Next(2) << 31));
            var decimalValue = (float)(Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(0, 7)), random.Next(0, 7)));
            for (var pick = 0; pick < 2; pick++)
            {
                var value = pick == 0 ? anyBits : decimalValue;
                if (!float.IsFinite(value) || !ShortFloatText.TryFormat(value, buffer, out var length))
                {
                    continue;
                }

                var text = Encoding.ASCII.GetString(buffer, 0, length);
                Assert.Equal(value.ToString(CultureInfo.InvariantCulture), text);
                Assert.Equal(BitConverter.SingleToInt32Bits(value), BitConverter.SingleToInt32Bits(float.Parse(text, CultureInfo.InvariantCulture)));
                written++;
                decimalsWritten += pick;
            }
        }

        // The fast path must actually take the values real data has, or it is no fast path.
        Assert.True(decimalsWritten > 250_000, $"only {decimalsWritten} of 300000 decimal values took the fast path");
        Assert.True(written > decimalsWritten);
    }

    private static string Format(float value)
    {
        var buffer = new byte[ShortFloatText.MaxLength];
        Assert.True(ShortFloatText.TryFormat(value, buffer, out var length));
        return Encoding.ASCII.GetString(buffer, 0, length);
    }
}
