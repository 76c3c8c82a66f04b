using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Monitoring.Logging;

/// <summary>The labels log: one JSON line per accepted label set, next to the model's prediction log, never waiting.</summary>
public sealed class FeedbackLabelLogTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 30, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("labels-").FullName;

    [Fact]
    public async Task Labels_are_appended_as_json_lines_under_the_model_and_day()
    {
        var log = new FeedbackLabelLog(_root, 100, TimeProvider.System, NullLogger<FeedbackLabelLog>.Instance);
        await log.StartAsync(TestContext.Current.CancellationToken);

        log.OnLabelled("breast-cancer", 2, "id-1", [1], At);
        log.OnLabelled("breast-cancer", 2, "id-2", [0, 1], At);
        await log.FlushAsync(TimeSpan.FromSeconds(10));
        await log.StopAsync(TestContext.Current.CancellationToken);

        var lines = File.ReadAllLines(Path.Combine(_root, "breast-cancer", "labels-2026-12-07.jsonl"));
        Assert.Equal(2, lines.Length);
        var second = JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal("id-2", second.GetProperty("id").GetString());
        Assert.Equal("breast-cancer", second.GetProperty("model").GetString());
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        Assert.Equal("[0,1]", second.GetProperty("labels").GetRawText());
        Assert.Equal(At, second.GetProperty("time").GetDateTimeOffset());
        Assert.Equal((2, 0), (log.Written, log.Dropped));
    }

    [Fact]
    public async Task A_write_the_disk_cuts_off_part_way_is_cut_back_and_the_retry_leaves_each_label_once()
    {
        var disk = new TornWrites.Trigger();
        var log = new FeedbackLabelLog(_root, 100, TimeProvider.System, NullLogger<FeedbackLabelLog>.Instance, path => new TornWrites(path, disk));
        await log.StartAsync(TestContext.Current.CancellationToken);
        log.OnLabelled("iris", 1, "id-1", [0], At);
        await log.FlushAsync(TimeSpan.FromSeconds(10));

        // The next write takes half its bytes, then reports a full disk; the log retries it.
        disk.Arm();
        log.OnLabelled("iris", 1, "id-2", [1], At);
        await log.FlushAsync(TimeSpan.FromSeconds(10));
        await log.StopAsync(TestContext.Current.CancellationToken);

        var lines = File.ReadAllLines(Path.Combine(_root, "iris", "labels-2026-12-07.jsonl"));
        Assert.Equal(["id-1", "id-2"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!));
        Assert.Equal((2, 0), (log.Written, log.Dropped));
    }

    [Fact]
    public async Task Labels_wait_through_a_full_disk_and_are_written_once_there_is_room()
    {
        var refusals = 3;
        var log = new FeedbackLabelLog(_root, 100, TimeProvider.System, NullLogger<FeedbackLabelLog>.Instance, path =>
            refusals-- > 0 ? throw new IOException("No space left on device") : new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
        await log.StartAsync(TestContext.Current.CancellationToken);

        log.OnLabelled("iris", 1, "id-1", [0], At);
        log.OnLabelled("iris", 1, "id-2", [1], At);
        await log.FlushAsync(TimeSpan.FromSeconds(20));
        await log.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal((2, 0), (log.Written, log.Dropped));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_root, "iris", "labels-2026-12-07.jsonl")).Length);
    }

    [Fact]
    public async Task Labels_that_can_never_be_written_are_dropped_and_counted_at_once_and_so_are_waiting_ones_at_stop()
    {
        var log = new FeedbackLabelLog(_root, 100, TimeProvider.System, NullLogger<FeedbackLabelLog>.Instance, path =>
            path.Contains("bad", StringComparison.Ordinal) ? throw new ArgumentException("a name the file system refuses") : throw new IOException("No space left on device"));
        await log.StartAsync(TestContext.Current.CancellationToken);

        log.OnLabelled("bad", 1, "id-1", [0], At);
        await log.FlushAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((0, 1), (log.Written, log.Dropped));

        log.OnLabelled("iris", 1, "id-2", [1], At);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(1, log.Dropped);
        await log.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal((0, 2), (log.Written, log.Dropped));
    }

    [Fact]
    public void A_full_queue_drops_and_counts_instead_of_waiting()
    {
        // Not started: nothing drains the queue of one.
        var log = new FeedbackLabelLog(_root, 1, TimeProvider.System, NullLogger<FeedbackLabelLog>.Instance);

        for (var i = 0; i < 3; i++)
        {
            log.OnLabelled("iris", 1, $"id-{i}", [0], At);
        }

        Assert.Equal((3, 2), (log.Queued, log.Dropped));
    }

    [Fact]
    public void Switched_off_it_writes_and_counts_nothing()
    {
        var log = new FeedbackLabelLog(null, 10, TimeProvider.System, NullLogger<FeedbackLabelLog>.Instance);

        log.OnLabelled("iris", 1, "id", [0], At);

        Assert.False(log.Enabled);
        Assert.Equal(0, log.Queued);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
