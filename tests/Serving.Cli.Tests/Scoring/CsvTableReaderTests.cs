using System.Text;
using Serving.Cli.Scoring;

namespace Serving.Cli.Tests.Scoring;

/// <summary>The streaming CSV reader: RFC 4180 quoting, and line numbers as an editor counts them.</summary>
public sealed class CsvTableReaderTests
{
    [Fact]
    public async Task Quoted_fields_blank_lines_and_short_rows_are_read_with_the_line_each_row_starts_on()
    {
        using var temp = new TemporaryDirectory();
        var path = temp.Combine("in.csv");
        await File.WriteAllTextAsync(
            path,
            "\uFEFF a ,b,note\r\n1,2,\"x, \"\"quoted\"\"\r\nover two lines\"\r\n\r\n3,4\n5,6,7,8\n",
            TestContext.Current.CancellationToken);

        await using var reader = CsvTableReader.Open(path);
        var batch = (CsvRowBatch)(await reader.ReadAsync(10, TestContext.Current.CancellationToken))!;

        Assert.Equal(["a", "b", "note"], reader.Columns);
        Assert.Equal(3, batch.Rows);
        Assert.Equal([2L, 5L, 6L], Enumerable.Range(0, 3).Select(batch.LineOf));
        Assert.Equal("x, \"quoted\"\r\nover two lines", batch.Field(0, 2).ToString());
        Assert.Equal(string.Empty, batch.Field(1, 2).ToString());
        Assert.Null(batch.ProblemOf(1));
        Assert.Equal("the row has 4 fields but the header names 3 columns", batch.ProblemOf(2));
        Assert.True(batch.TryReadSingle(1, 1, out var four) && four == 4f);
        Assert.True(batch.TryReadSingle(1, 2, out var missing) && float.IsNaN(missing));
        Assert.Null(await reader.ReadAsync(10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_unclosed_quote_names_the_line_it_opened_on()
    {
        using var temp = new TemporaryDirectory();
        var path = temp.Combine("in.csv");
        await File.WriteAllTextAsync(path, "a,b\n1,2\n3,\"open\n4,5\n", TestContext.Current.CancellationToken);

        await using var reader = CsvTableReader.Open(path);
        var error = await Assert.ThrowsAsync<ScoringException>(async () => await reader.ReadAsync(10, TestContext.Current.CancellationToken));

        Assert.Equal("line 3: a quoted field is not closed before the end of the file", error.Message);
    }

    [Fact]
    public async Task A_utf16_file_reads_as_the_same_text_in_utf8_would()
    {
        using var temp = new TemporaryDirectory();
        var path = temp.Combine("in.csv");
        await File.WriteAllTextAsync(path, "a,name\n1,\"Zoë, \u00e9t\u00e9\"\n2,\u65e5\u672c\n", Encoding.Unicode, TestContext.Current.CancellationToken);

        await using var reader = CsvTableReader.Open(path);
        var batch = (CsvRowBatch)(await reader.ReadAsync(10, TestContext.Current.CancellationToken))!;

        Assert.Equal(["a", "name"], reader.Columns);
        Assert.Equal(["Zoë, \u00e9t\u00e9", "\u65e5\u672c"], Enumerable.Range(0, 2).Select(row => batch.Field(row, 1)));
        Assert.True(batch.TryReadSingle(1, 0, out var two) && two == 2f);
    }

    [Fact]
    public async Task Invalid_utf8_reads_as_replacement_characters_and_a_unicode_space_after_a_quote_is_layout()
    {
        using var temp = new TemporaryDirectory();
        var path = temp.Combine("in.csv");
        byte[] bytes = [.. "a,b\n\"1\""u8, 0xC2, 0xA0, .. ",x"u8, 0xFF, .. "\n\"2\"\u00e9,y\n"u8];
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

        await using var reader = CsvTableReader.Open(path);
        var batch = (CsvRowBatch)(await reader.ReadAsync(10, TestContext.Current.CancellationToken))!;

        // A no-break space (two bytes in UTF-8) is white space as a character; a letter there is not.
        Assert.Null(batch.ProblemOf(0));
        Assert.Equal("x\uFFFD", batch.Field(0, 1));
        Assert.Equal("unexpected text after a closing quote; a quote inside a quoted field is written twice (\"\")", batch.ProblemOf(1));
    }
}
