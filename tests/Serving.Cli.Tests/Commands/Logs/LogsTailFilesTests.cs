using Serving.Core.Monitoring.Logging;

namespace Serving.Cli.Tests.Commands.Logs;

/// <summary><c>serving logs tail</c> over the local JSON Lines files the gateway writes.</summary>
public sealed class LogsTailFilesTests
{
    private static async Task WriteAsync(string directory, int start, int count)
    {
        // Small batches and a small size cap spread the records over several parts per day (the sink rotates
        // between batches); an hour apart, they span two days.
        await using var sink = new JsonLinesPredictionSink(directory, maxFileBytes: 1024);
        foreach (var batch in PredictionRecords.Range(start, count).Chunk(4))
        {
            await sink.WriteAsync(batch, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Tail_prints_the_newest_records_oldest_first_across_days_and_parts()
    {
        using var temp = new TemporaryDirectory();
        await WriteAsync(temp.Path, 0, 40);
        Assert.True(Directory.GetFiles(temp.Combine("m")).Length > 3, "the fixture should span several files");

        var run = await LogsRun.CompleteAsync("logs", "tail", "m", "--dir", temp.Path, "-n", "25");

        Assert.Equal(0, await run.ExitCode);
        Assert.Equal(PredictionRecords.Ids(15, 25), run.Ids);
    }

    [Theory]
    [InlineData("sp ace", "sp_ace")]
    [InlineData("a?b#c", "a_b_c")]
    public async Task Tail_of_one_of_two_models_whose_names_differ_only_in_unsafe_characters_prints_only_its_records(string unsafeName, string safeName)
    {
        using var temp = new TemporaryDirectory();
        await using (var sink = new JsonLinesPredictionSink(temp.Path, maxFileBytes: 1 << 20))
        {
            await sink.WriteAsync(PredictionRecords.Range(0, 3, unsafeName), TestContext.Current.CancellationToken);
            await sink.WriteAsync(PredictionRecords.Range(3, 2, safeName), TestContext.Current.CancellationToken);
        }

        var unsafeRun = await LogsRun.CompleteAsync("logs", "tail", unsafeName, "--dir", temp.Path);
        var safeRun = await LogsRun.CompleteAsync("logs", "tail", safeName, "--dir", temp.Path);

        Assert.Equal(PredictionRecords.Ids(0, 3), unsafeRun.Ids);
        Assert.Equal(PredictionRecords.Ids(3, 2), safeRun.Ids);
    }

    [Fact]
    public async Task Tail_asked_for_more_records_than_exist_prints_them_all()
    {
        using var temp = new TemporaryDirectory();
        await WriteAsync(temp.Path, 0, 7);

        var run = await LogsRun.CompleteAsync("logs", "tail", "m", "--dir", temp.Path);

        Assert.Equal(PredictionRecords.Ids(0, 7), run.Ids);
    }

    [Fact]
    public async Task Tail_of_a_model_without_logs_fails_and_says_where_it_looked()
    {
        using var temp = new TemporaryDirectory();
        await WriteAsync(temp.Path, 0, 3);

        var run = await LogsRun.CompleteAsync("logs", "tail", "other", "--dir", temp.Path);

        Assert.Equal(1, await run.ExitCode);
        Assert.Contains("no prediction log for other", run.Messages, StringComparison.Ordinal);
        Assert.Empty(run.Ids);
    }

    [Fact]
    public async Task Follow_prints_records_written_after_it_started_until_cancelled()
    {
        using var temp = new TemporaryDirectory();
        await WriteAsync(temp.Path, 0, 10);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = LogsRun.Start(stop.Token, "logs", "tail", "m", "--dir", temp.Path, "-n", "2", "--follow");
        await run.WaitForAsync(2, TimeSpan.FromSeconds(10));
        await WriteAsync(temp.Path, 10, 30);
        await run.WaitForAsync(32, TimeSpan.FromSeconds(10));
        await stop.CancelAsync();

        Assert.Equal(0, await run.ExitCode);
        Assert.Equal([.. PredictionRecords.Ids(8, 2), .. PredictionRecords.Ids(10, 30)], run.Ids);
    }

    [Fact]
    public async Task Tail_of_a_model_without_logs_says_error_in_plain_text_not_markup()
    {
        using var temp = new TemporaryDirectory();

        var run = await LogsRun.CompleteAsync("logs", "tail", "nosuch", "--dir", temp.Path);

        Assert.Equal(1, await run.ExitCode);
        Assert.StartsWith("error: no prediction log for nosuch in ", run.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain("[", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_of_a_model_without_logs_says_waiting_in_plain_text_and_prints_its_records_once_written()
    {
        using var temp = new TemporaryDirectory();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = LogsRun.Start(stop.Token, "logs", "tail", "m", "--dir", temp.Path, "--follow");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (run.Messages.Length == 0 && DateTime.UtcNow < deadline && !run.ExitCode.IsCompleted)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var waiting = run.Messages;
        await WriteAsync(temp.Path, 0, 3);
        await run.WaitForAsync(3, TimeSpan.FromSeconds(10));
        await stop.CancelAsync();

        Assert.Equal(0, await run.ExitCode);
        Assert.StartsWith("waiting: no prediction log for m in ", waiting, StringComparison.Ordinal);
        Assert.DoesNotContain("[", waiting, StringComparison.Ordinal);
    }
}
