using Serving.Cli.Scoring;
using Serving.Cli.Tests.Commands;

namespace Serving.Cli.Tests.Scoring;

/// <summary>
/// A wide CSV is read and scored at any allowed <c>--batch-size</c>: its chunks hold fewer rows instead of buffers sized
/// past what an array can hold, and an ordinary file's chunks are as large as asked.
/// </summary>
public sealed class CsvRowBatchTests
{
    [Fact]
    public void An_ordinary_file_gets_the_rows_asked_and_a_wide_one_fewer()
    {
        Assert.Equal(4096, CsvRowBatch.RowsFor(4096, 30));
        Assert.Equal(1_000_000, CsvRowBatch.RowsFor(1_000_000, 30));
        Assert.Equal(512, CsvRowBatch.RowsFor(4096, 65_536));
        Assert.Equal(1, CsvRowBatch.RowsFor(4096, int.MaxValue));
        Assert.InRange(CsvRowBatch.RowsFor(1_000_000, 300), 1, 1_000_000 / 8);
    }

    [Theory]
    [InlineData(300, 1_000_000)]
    [InlineData(70_000, 4096)]
    public async Task A_wide_file_is_read_whole(int columns, int batchSize)
    {
        using var temp = new TemporaryDirectory();
        var path = temp.Combine("wide.csv");
        var lines = new[] { string.Join(',', Enumerable.Range(0, columns).Select(c => $"c{c}")) }
            .Concat(Enumerable.Range(0, 3).Select(r => string.Join(',', Enumerable.Range(0, columns).Select(c => (r + c).ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        ScoringFiles.Write(path, lines);

        await using var reader = CsvTableReader.Open(path);
        var batch = (CsvRowBatch)(await reader.ReadAsync(batchSize, TestContext.Current.CancellationToken))!;

        Assert.Equal(columns, reader.Columns.Count);
        Assert.Equal(3, batch.Rows);
        Assert.Equal((2 + columns - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), batch.Field(2, columns - 1));
    }

    [Fact]
    public async Task A_file_of_three_hundred_columns_is_scored_at_the_largest_batch_size()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var lines = File.ReadAllLines(ScoringFiles.Sample("diabetes"));
        var extra = Enumerable.Range(0, 290).ToArray();
        var wide = lines.Select((line, i) => line + "," + string.Join(',', extra.Select(c => i == 0 ? $"x{c}" : "1")));
        var input = ScoringFiles.Write(temp.Combine("wide.csv"), wide);

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.csv"), "--batch-size", "1000000");

        Assert.True(run.ExitCode == 0, run.Messages);
        var output = File.ReadAllLines(temp.Combine("out.csv"));
        Assert.Equal(lines.Length, output.Length);
        Assert.True(output[0].Split(',').Length > 300);
    }
}
