using Serving.Core.Monitoring.Logging;

namespace Serving.Cli.Tests.Commands.Logs;

/// <summary>
/// <c>serving logs tail</c> reads a file backwards from its end: the lines wanted across many blocks, none past the
/// last newline, and old torn lines left out with a warning instead of breaking a JSON reader downstream.
/// </summary>
public sealed class LogsTailLargeFileTests
{
    private static async Task<string> WriteOnePartAsync(string directory, int count)
    {
        await using (var sink = new JsonLinesPredictionSink(directory, maxFileBytes: 1L << 30))
        {
            foreach (var batch in PredictionRecords.Range(0, count).Chunk(500))
            {
                await sink.WriteAsync(batch, TestContext.Current.CancellationToken);
            }
        }

        return Assert.Single(Directory.GetFiles(Path.Combine(directory, "m"), "*.jsonl"));
    }

    [Theory]
    [InlineData(3000)]
    [InlineData(1)]
    [InlineData(5000)]
    [InlineData(9000)]
    public async Task Tail_of_a_file_many_blocks_long_prints_exactly_the_newest_records(int lines)
    {
        using var temp = new TemporaryDirectory();
        // Records an hour apart: 5,000 of them span 209 days, so one part per day; keep them in one file instead.
        var file = await WriteOnePartAsync(temp.Path, 1);
        var text = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(file, string.Concat(Enumerable.Range(0, 5000).Select(i => text.Replace("\"r0\"", $"\"r{i}\"", StringComparison.Ordinal))), TestContext.Current.CancellationToken);
        Assert.True(new FileInfo(file).Length > 4 * 64 * 1024, "the file should span several 64 KB blocks");

        var run = await LogsRun.CompleteAsync("logs", "tail", "m", "--dir", temp.Path, "-n", lines.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0, await run.ExitCode);
        Assert.Equal(PredictionRecords.Ids(Math.Max(0, 5000 - lines), Math.Min(lines, 5000)), run.Ids);
        Assert.Equal(string.Empty, run.Messages);
    }

    [Fact]
    public async Task Tail_with_no_lines_wanted_prints_nothing_and_follow_starts_at_the_end()
    {
        using var temp = new TemporaryDirectory();
        var file = await WriteOnePartAsync(temp.Path, 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = LogsRun.Start(stop.Token, "logs", "tail", "m", "--dir", temp.Path, "-n", "0", "--follow");
        await Task.Delay(300, TestContext.Current.CancellationToken);
        var before = run.Ids;
        var line = (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Replace("\"r0\"", "\"r1\"", StringComparison.Ordinal);
        await File.AppendAllTextAsync(file, line, TestContext.Current.CancellationToken);
        await run.WaitForAsync(1, TimeSpan.FromSeconds(10));
        await stop.CancelAsync();

        Assert.Equal(0, await run.ExitCode);
        Assert.Empty(before);
        Assert.Equal(["r1"], run.Ids);
    }

    [Fact]
    public async Task A_line_still_being_written_is_not_printed()
    {
        using var temp = new TemporaryDirectory();
        var file = await WriteOnePartAsync(temp.Path, 5);
        await File.AppendAllTextAsync(file, """{"id":"r5","model":"m","inp""", TestContext.Current.CancellationToken);

        var run = await LogsRun.CompleteAsync("logs", "tail", "m", "--dir", temp.Path, "-n", "3");

        Assert.Equal(PredictionRecords.Ids(2, 3), run.Ids);
        Assert.Equal(string.Empty, run.Messages);
    }

    [Fact]
    public async Task A_torn_line_from_an_old_full_disk_is_left_out_with_a_warning()
    {
        using var temp = new TemporaryDirectory();
        var file = await WriteOnePartAsync(temp.Path, 3);
        var whole = await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken);
        // The old failure: half a record, then the next record written whole on the same line, then the rest.
        await File.WriteAllLinesAsync(file, [whole[0], whole[1][..40] + whole[2], whole[2].Replace("\"r2\"", "\"r3\"", StringComparison.Ordinal)], TestContext.Current.CancellationToken);

        var run = await LogsRun.CompleteAsync("logs", "tail", "m", "--dir", temp.Path);

        Assert.Equal(0, await run.ExitCode);
        Assert.Equal(["r0", "r3"], run.Ids);
        Assert.StartsWith("warning: left out 1 line that is not a whole JSON record", run.Messages, StringComparison.Ordinal);
    }
}
