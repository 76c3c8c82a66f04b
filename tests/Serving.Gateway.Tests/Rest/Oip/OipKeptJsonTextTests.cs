using System.Text;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Oip;

namespace Serving.Gateway.Tests.Rest.Oip;

/// <summary>
/// Inputs keep their JSON text for the prediction log only where that text is exactly what the log would write for
/// their values: a compact flat FP32 array, each number its value's shortest round-trip text. Everything else keeps
/// none, and the log writes the numbers itself, so its lines read the same either way.
/// </summary>
public sealed class OipKeptJsonTextTests
{
    [Theory]
    [InlineData("[17.99,10.38,-0.5]")]
    [InlineData("[1001,0.006399,-0]")]
    [InlineData("[0.0001,9999999,123456]")]
    [InlineData("[0.1,0.123456,99999.5]")]
    public void A_compact_array_of_shortest_decimals_keeps_its_text_which_is_what_the_log_would_write(string data)
    {
        var input = Read(data, keep: true);

        Assert.Equal(data, Encoding.UTF8.GetString(input.JsonText));
        Assert.Equal(data, "[" + string.Join(',', input.AsSpan<float>().ToArray().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]");
    }

    [Theory]
    [InlineData("[17.99, 10.38,-0.5]")]
    [InlineData("[ 17.99,10.38,-0.5]")]
    [InlineData("[17.99,10.38,-0.5 ]")]
    [InlineData("[17.99,\n10.38,-0.5]")]
    [InlineData("[17.990,10.38,-0.5]")]
    [InlineData("[17.99,10.38,-0.1234567]")]
    [InlineData("[17.99,10.38,0.00001]")]
    [InlineData("[17.99,10.38,0.0]")]
    [InlineData("[1.799e1,10.38,-0.5]")]
    [InlineData("[[17.99,10.38,-0.5]]")]
    public void Text_that_is_not_the_logs_own_keeps_nothing(string data)
    {
        var input = Read(data, keep: true);

        Assert.True(input.JsonText.IsEmpty);
        Assert.Equal(3, input.AsSpan<float>().Length);
    }

    [Fact]
    public void Nothing_is_kept_when_there_is_no_log_to_write()
    {
        Assert.True(Read("[17.99,10.38,-0.5]", keep: false).JsonText.IsEmpty);
    }

    [Fact]
    public void Letting_go_clears_the_text_once_and_the_pages_come_back_for_reuse()
    {
        // Enough texts to fill many pages: once each is let go, its page is reused rather than a new one made.
        for (var i = 0; i < 200; i++)
        {
            Read("[17.99,10.38,-0.5]", keep: true).LetGoOfJsonText();
        }

        var made = LentJsonText.PagesMade;
        for (var i = 0; i < 20_000; i++)
        {
            var input = Read("[17.99,10.38,-0.5]", keep: true);
            Assert.Equal("[17.99,10.38,-0.5]", Encoding.UTF8.GetString(input.JsonText));
            input.LetGoOfJsonText();
            input.LetGoOfJsonText();
            Assert.True(input.JsonText.IsEmpty);
        }

        // Other tests may lend from their own threads meanwhile; this thread alone would need no new page.
        Assert.InRange(LentJsonText.PagesMade - made, 0, 8);
    }

    private static Tensor Read(string data, bool keep) =>
        OipJsonRequestReader.ReadWithBinaryParts(
            Encoding.UTF8.GetBytes($$"""{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":{{data}}}]}"""),
            new OipBinaryParts([], hasHeader: false), "m", null, PredictionIds.DefaultMaxLength, keep, out _).Inputs[0];
}
