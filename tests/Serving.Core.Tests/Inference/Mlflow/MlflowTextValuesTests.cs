using System.Globalization;
using System.Text;
using Serving.Core.Inference.Mlflow;

namespace Serving.Core.Tests.Inference.Mlflow;

/// <summary>Text cells read as MLflow's CSV input reads them; the short-decimal fast path gives exactly float.Parse's float.</summary>
public sealed class MlflowTextValuesTests
{
    [Fact]
    public void Short_decimals_read_to_the_same_bits_as_float_parse()
    {
        // Seeded: the same 200,000 strings on every run. Digits, a point anywhere (or none), a sign, up to 12 digits,
        // so both the fast path and its fall-back to the full parser are exercised.
        var random = new Random(20261207);
        var text = new StringBuilder();
        var fast = 0;
        for (var n = 0; n < 200_000; n++)
        {
            text.Clear();
            if (random.Next(4) == 0)
            {
                text.Append('-');
            }

            var digits = random.Next(1, 13);
            var point = random.Next(-1, digits + 1);
            for (var d = 0; d < digits; d++)
            {
                if (d == point)
                {
                    text.Append('.');
                }

                text.Append((char)('0' + random.Next(10)));
            }

            var s = text.ToString();
            var expected = float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(MlflowTextValues.TryReadSingle(s, out var value));
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(value), $"'{s}': float.Parse {expected:R}, read {value:R}");
            var tookFastPath = MlflowTextValues.TryReadShortDecimal(s, out _);
            fast += tookFastPath ? 1 : 0;

            // The UTF-8 overload (serving score reads CSV as bytes) takes the same strings to the same bits.
            Assert.Equal(tookFastPath, MlflowTextValues.TryReadShortDecimal(Encoding.UTF8.GetBytes(s), out var fromBytes));
            Assert.True(!tookFastPath || BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(fromBytes), $"'{s}' as UTF-8: {fromBytes:R}");
        }

        // Most of these are short enough for the fast path; had it declined them all, the test would prove nothing.
        Assert.True(fast > 50_000, $"only {fast} strings took the fast path");
    }

    [Theory]
    [InlineData("-0", -0f)]
    [InlineData("0.006399", 0.006399f)]
    [InlineData(".5", 0.5f)]
    [InlineData("1.", 1f)]
    [InlineData("16777215", 16777215f)]
    public void Edge_cases_of_the_fast_path_read_as_float_parse_does(string text, float expected)
    {
        Assert.True(MlflowTextValues.TryReadShortDecimal(text, out var value));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(value));
        Assert.True(MlflowTextValues.TryReadShortDecimal(Encoding.UTF8.GetBytes(text), out var fromBytes));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(fromBytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1e5")]
    [InlineData(" 1")]
    [InlineData("+1")]
    [InlineData("1.2.3")]
    [InlineData("16777216")]
    [InlineData("0.00000000001")]
    [InlineData("\u0661")]
    public void Anything_else_is_left_to_the_full_parser(string text)
    {
        Assert.False(MlflowTextValues.TryReadShortDecimal(text, out _));
        Assert.False(MlflowTextValues.TryReadShortDecimal(Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void A_field_read_from_a_long_row_reads_as_the_field_alone_does()
    {
        // Seeded: fields like the test above, each followed by a comma and more of a row, as serving score reads them:
        // the prefix read must stop where the field ends and agree with reading the field alone.
        var random = new Random(20261208);
        var text = new StringBuilder();
        for (var n = 0; n < 200_000; n++)
        {
            text.Clear();
            if (random.Next(4) == 0)
            {
                text.Append('-');
            }

            var digits = random.Next(0, 13);
            var point = random.Next(-1, digits + 1);
            for (var d = 0; d < digits; d++)
            {
                if (d == point)
                {
                    text.Append('.');
                }

                text.Append((char)('0' + random.Next(10)));
            }

            var field = text.ToString();
            var row = Encoding.UTF8.GetBytes(field + ",0.25,17.99,-3,0.0001234");
            var whole = MlflowTextValues.TryReadShortDecimal(Encoding.UTF8.GetBytes(field), out var expected);
            var length = MlflowTextValues.TryReadShortDecimalPrefix(row, out var value);
            Assert.True(length == (whole ? field.Length : 0), $"'{field}': read {length} bytes");
            Assert.True(!whole || BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(value), $"'{field}': {expected:R}, read {value:R}");
        }
    }

    [Theory]
    [InlineData("1.5,2", 3, 1.5f)]
    [InlineData("-0.25", 5, -0.25f)]
    [InlineData("17.99,10.38", 5, 17.99f)]
    [InlineData("0.006399,0.04904", 8, 0.006399f)]
    [InlineData("3x", 1, 3f)]
    [InlineData("1.2.3", 3, 1.2f)]
    [InlineData("0.006399,0.04904,0.05373,0.01587", 8, 0.006399f)]
    [InlineData("-12.5,0.04904,0.05373,0.01587", 5, -12.5f)]
    [InlineData("99999999,0.04904,0.05373,0.01587", 0, 0f)]
    [InlineData("1.2.3,0.04904,0.05373,0.01587", 3, 1.2f)]
    [InlineData(".5,0.04904,0.05373,0.01587", 2, 0.5f)]
    [InlineData("-,0.04904,0.05373,0.01587", 0, 0f)]
    public void A_prefix_is_read_up_to_the_first_byte_that_is_not_part_of_it(string text, int length, float expected)
    {
        Assert.Equal(length, MlflowTextValues.TryReadShortDecimalPrefix(Encoding.UTF8.GetBytes(text), out var value));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(value));
    }

    [Theory]
    [InlineData(",1")]
    [InlineData("-,2")]
    [InlineData("16777216,1")]
    [InlineData("0.00000000001,1")]
    [InlineData("1234567890123456789012,1")]
    [InlineData("abc")]
    public void A_prefix_that_is_no_short_decimal_reads_nothing(string text) =>
        Assert.Equal(0, MlflowTextValues.TryReadShortDecimalPrefix(Encoding.UTF8.GetBytes(text), out _));

    [Theory]
    [InlineData("", float.NaN)]
    [InlineData("NA", float.NaN)]
    [InlineData("nan", float.NaN)]
    [InlineData("-inf", float.NegativeInfinity)]
    [InlineData("Infinity", float.PositiveInfinity)]
    [InlineData(" 2.5 ", 2.5f)]
    [InlineData("1e3", 1000f)]
    public void Missing_values_infinities_and_other_spellings_still_read(string text, float expected)
    {
        Assert.True(MlflowTextValues.TryReadSingle(text, out var value));
        Assert.Equal(expected, value);
    }
}
