using System.Globalization;
using System.Text;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;

namespace Serving.Core.Tests.Inference.Mlflow;

/// <summary>
/// The fast reader says a decimal is its value's shortest text only when it is: then it is byte for byte what the
/// runtime's shortest round-trip formatter (and the prediction log's) writes for that float.
/// </summary>
public sealed class ShortestDecimalTextTests
{
    [Theory]
    [InlineData("17.99", true)]
    [InlineData("0.006399", true)]
    [InlineData("1001", true)]
    [InlineData("-0", true)]
    [InlineData("0", true)]
    [InlineData("9999999", true)]
    [InlineData("0.0001", true)]
    [InlineData("17.990", false)]
    [InlineData("0.0", false)]
    [InlineData("0.00001", false)]
    [InlineData("0.1234567", false)]
    [InlineData("1234.567", false)]
    public void Says_which_decimals_are_their_values_shortest_text(string text, bool shortest)
    {
        var used = MlflowTextValues.TryReadShortDecimalPrefix(Encoding.ASCII.GetBytes(text), out var value, out var isShortest);

        Assert.Equal((text.Length, shortest), (used, isShortest));
        Assert.Equal(float.Parse(text, CultureInfo.InvariantCulture), value);
    }

    [Fact]
    public void Every_decimal_it_calls_shortest_is_what_the_formatters_write_for_its_value()
    {
        // Seeded, so a failure names the same decimal on every run: digits 1-7, 0-7 of them after the point.
        var random = new Random(20261208);
        var shortest = 0;
        var text = new byte[ShortFloatText.MaxLength];
        for (var i = 0; i < 200_000; i++)
        {
            var digits = random.Next(1, 8);
            var decimals = Math.Min(random.Next(0, 8), digits);
            var mantissa = random.NextInt64((long)Math.Pow(10, digits));
            var written = (decimals == 0 ? mantissa.ToString(CultureInfo.InvariantCulture)
                : (mantissa / Math.Pow(10, decimals)).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
            var decimal_ = (random.Next(2) == 0 ? "-" : string.Empty) + written;

            MlflowTextValues.TryReadShortDecimalPrefix(Encoding.ASCII.GetBytes(decimal_), out var value, out var isShortest);
            if (!isShortest)
            {
                continue;
            }

            shortest++;
            Assert.Equal(value.ToString(CultureInfo.InvariantCulture), decimal_);
            Assert.Equal(decimal_, Encoding.ASCII.GetString(text, 0, ShortFloatText.Format(value, text)));
        }

        Assert.True(shortest > 50_000, $"only {shortest} of 200,000 decimals were called shortest");
    }
}
