using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serving.Core.Storage;
using Serving.Core.Tests.Routing;

namespace Serving.Core.Tests.Storage;

public sealed class DataDirectoryMonitorTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("data-directory-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-06-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ListLogger<DataDirectoryMonitor> _logger = new();

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task A_writable_data_directory_is_checked_at_start_without_a_word()
    {
        var status = new DataDirectoryStatus(new DataPaths(Path.Combine(_temp, "var")), _time);
        using var monitor = new DataDirectoryMonitor(status, _time, _logger);

        await monitor.StartAsync(TestContext.Current.CancellationToken);
        await monitor.StopAsync(TestContext.Current.CancellationToken);

        Assert.True(status.Writable);
        Assert.NotNull(status.Snapshot().CheckedAt);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public async Task An_unwritable_data_directory_is_said_in_one_error_line_at_start_and_its_recovery_once()
    {
        var blocker = Path.Combine(_temp, "data");
        File.WriteAllText(blocker, "in the way");
        var status = new DataDirectoryStatus(new DataPaths(blocker), _time);
        using var monitor = new DataDirectoryMonitor(status, _time, _logger);

        await monitor.StartAsync(TestContext.Current.CancellationToken);
        _time.Advance(DataDirectoryMonitor.Interval);
        await WaitUntilAsync(() => status.Snapshot().CheckedAt == _time.GetUtcNow());

        var error = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains(blocker, error.Message, StringComparison.Ordinal);
        Assert.Contains("goes on serving", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(status.Writable);

        File.Delete(blocker);
        _time.Advance(DataDirectoryMonitor.Interval);
        await WaitUntilAsync(() => status.Writable);
        await monitor.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, _logger.Entries.Count);
        Assert.Equal(LogLevel.Information, _logger.Entries[1].Level);
        Assert.Contains("writable again", _logger.Entries[1].Message, StringComparison.Ordinal);
    }

    /// <summary>The periodic check runs on the monitor's own task once the fake clock moves.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the monitor did not check again within 10 s");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
