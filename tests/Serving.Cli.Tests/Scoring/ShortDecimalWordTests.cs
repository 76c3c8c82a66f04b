using System.Globalization;
using System.Text;
using Serving.Cli.Scoring;

namespace Serving.Cli.Tests.Scoring;

/// <summary>
/// The word-at-a-time number reader gives exactly <see cref="float.Parse(string)"/>'s float (both are correctly
/// rounded, so the bits must be equal), and refuses what it cannot read rather than reading it wrong; the comma
/// finder finds every comma of the row and none after it.
/// </summary>
public sealed class ShortDecimalWordTests
{
    [Theory]
    [InlineData("0.07871")]
    [InlineData("17.99")]
    [InlineData("-17.99")]
    [InlineData("1001")]
    [InlineData("0.006399")]
    [InlineData("-0.006399")]
    [InlineData("12345678")]
    [InlineData("-0")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("0")]
    [InlineData(".1234567")]
    public void Common_numbers_are_read_in_one_word_to_float_Parse_s_value(string field)
    {
        Assert.True(ShortDecimalWord.TryRead(Window(field + ",1.5,2"), field.Length, out var value));
        Assert.Equal(BitConverter.SingleToInt32Bits(float.Parse(field, CultureInfo.InvariantCulture)), BitConverter.SingleToInt32Bits(value));
    }

    [Theory]
    [InlineData("16777217")] // past 2^24: no longer an exact float
    [InlineData("99999999")]
    [InlineData("1234567.8")] // longer than a word after the sign
    [InlineData("0.0063991")]
    [InlineData("1.5e-3")]
    [InlineData("1e5")]
    [InlineData("+1")]
    [InlineData("1 ")]
    [InlineData(" 1")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("-.")]
    [InlineData("NaN")]
    [InlineData("1..2")]
    [InlineData("1.2.3")]
    [InlineData("--1")]
    [InlineData("1-")]
    [InlineData("1/2")]
    [InlineData("1:2")]
    [InlineData("é1")]
    public void Other_fields_are_left_to_the_slower_reader(string field)
    {
        Assert.False(ShortDecimalWord.TryRead(Window(field + ",7"), Encoding.UTF8.GetByteCount(field), out _));
    }

    [Fact]
    public void Only_the_cell_s_bytes_are_read_whatever_follows_it()
    {
        // The cell is "12"; the buffer goes on with digits of no cell, which must not be read.
        Assert.True(ShortDecimalWord.TryRead(Window("12345"), 2, out var value));
        Assert.Equal(12f, value);
        Assert.True(ShortDecimalWord.TryRead(Window("-1.59999"), 4, out value));
        Assert.Equal(-1.5f, value);
        Assert.False(ShortDecimalWord.TryRead(Window("5"), 0, out _));
        Assert.False(ShortDecimalWord.TryRead("1.5"u8, 3, out _));
    }

    [Fact]
    public void Random_cells_read_as_float_Parse_reads_them()
    {
        var random = new Random(29);
        const string alphabet = "0123456789.-,e+ x/:\u00ff";
        var read = 0;
        var tried = 0;
        for (var i = 0; i < 400_000; i++)
        {
            // Mostly numbers of the commonest shapes, and some noise.
            var cell = (i % 4) switch
            {
                0 => Digits(random, random.Next(0, 9)) + "." + Digits(random, random.Next(0, 9)),
                1 => "-" + Digits(random, random.Next(0, 6)) + "." + Digits(random, random.Next(0, 6)),
                2 => Digits(random, random.Next(0, 10)),
                _ => new string([.. Enumerable.Range(0, random.Next(0, 10)).Select(_ => alphabet[random.Next(alphabet.Length)])]),
            };
            var bytes = Window(cell + "," + Digits(random, 9));
            var length = Encoding.UTF8.GetByteCount(cell);
            tried++;
            var parsed = float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected);
            if (!ShortDecimalWord.TryRead(bytes, length, out var value))
            {
                // Refused: fine for anything, but a plain short decimal must not be refused.
                Assert.False(IsShortPlainDecimal(cell) && parsed, $"'{cell}' refused");
                continue;
            }

            read++;
            Assert.True(parsed, $"'{cell}' read though float.Parse refuses it");
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(value));
        }

        Assert.True(read > tried / 3, $"read {read} of {tried}");
    }

    [Fact]
    public void Every_decimal_of_up_to_five_digits_reads_as_float_Parse()
    {
        for (var n = 0; n < 100_000; n++)
        {
            var digits = n.ToString("D5", CultureInfo.InvariantCulture);
            for (var point = 0; point <= 5; point++)
            {
                var field = digits[..point] + "." + digits[point..];
                Assert.True(ShortDecimalWord.TryRead(Window(field), field.Length, out var value));
                Assert.Equal(BitConverter.SingleToInt32Bits(float.Parse(field, CultureInfo.InvariantCulture)), BitConverter.SingleToInt32Bits(value));
            }
        }
    }

    [Fact]
    public void Commas_are_found_up_to_the_row_s_end_only()
    {
        var random = new Random(31);
        var commas = new int[64];
        for (var i = 0; i < 20_000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 120)).Select(_ => random.Next(4) == 0 ? ',' : '7')]);
            var bytes = Encoding.ASCII.GetBytes(text + new string(',', random.Next(0, 40)));
            var expected = Enumerable.Range(0, text.Length).Where(k => text[k] == ',').ToArray();
            var count = ShortDecimalWord.FindCommas(bytes, text.Length, commas);
            if (expected.Length > commas.Length)
            {
                Assert.Equal(-1, count);
                continue;
            }

            Assert.Equal(expected, commas[..count]);
        }

        Assert.Equal(-1, ShortDecimalWord.FindCommas(",,,"u8, 3, new int[2]));
    }

    /// <summary>At most 8 bytes after a sign, digits with at most one point, at least one digit, below 2^24 without a point.</summary>
    private static bool IsShortPlainDecimal(string cell)
    {
        var body = cell.StartsWith('-') ? cell[1..] : cell;
        var points = body.Count(c => c == '.');
        return body.Length is > 0 and <= 8 && points <= 1 && body.All(c => c is '.' or (>= '0' and <= '9')) && body.Length > points &&
            (points == 1 || long.Parse(body, CultureInfo.InvariantCulture) < 1 << 24);
    }

    private static string Digits(Random random, int count) => new([.. Enumerable.Range(0, count).Select(_ => (char)('0' + random.Next(10)))]);

    /// <summary>The text as UTF-8, padded to the reader's window with digits that belong to no cell.</summary>
    private static byte[] Window(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var padded = new byte[Math.Max(bytes.Length + 1, ShortDecimalWord.Window)];
        Array.Fill(padded, (byte)'9');
        bytes.CopyTo(padded, 0);
        return padded;
    }
}
