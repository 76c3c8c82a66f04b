using System.Globalization;
using Serving.Cli.Commands.Admin;

namespace Serving.Cli.Tests.Admin;

/// <summary>The span <c>rollout status --watch</c> names when it stops at <c>--max-minutes</c>.</summary>
public sealed class WatchLimitTextTests
{
    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(0.01, "0.6 s")]
    [InlineData(0.6, "36 s")]
    [InlineData(1, "1 min")]
    [InlineData(1.5, "1.5 min")]
    [InlineData(60, "60 min")]
    public void Below_a_minute_is_seconds_and_above_is_minutes(double minutes, string expected)
    {
        Assert.Equal(expected, WatchLimitText.Of(TimeSpan.FromMinutes(minutes)));
    }

    [Fact]
    public void The_text_is_invariant_whatever_the_culture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            // The build runs in invariant globalization mode (no de-DE to ask for): a culture of its own with a
            // decimal comma stands in for one.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = comma;

            Assert.Equal("0.6 s", WatchLimitText.Of(TimeSpan.FromMinutes(0.01)));
            Assert.Equal("1.5 min", WatchLimitText.Of(TimeSpan.FromMinutes(1.5)));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}
