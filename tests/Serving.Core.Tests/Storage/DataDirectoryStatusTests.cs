using Microsoft.Extensions.Time.Testing;
using Serving.Core.Storage;

namespace Serving.Core.Tests.Storage;

public sealed class DataDirectoryStatusTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("data-directory-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-06-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void A_missing_data_directory_is_created_and_the_check_leaves_nothing_behind()
    {
        var root = Path.Combine(_temp, "var");
        var status = new DataDirectoryStatus(new DataPaths(root), _time);

        var (_, after) = status.Check();

        Assert.True(after.Writable);
        Assert.Null(after.Problem);
        Assert.Equal(_time.GetUtcNow(), after.CheckedAt);
        Assert.Equal(root, after.Path);
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Fact]
    public void A_data_directory_that_cannot_be_created_is_reported_with_the_systems_reason()
    {
        // A file where the folder should be stops every user, root included (chmod would not stop root).
        var blocker = Path.Combine(_temp, "file");
        File.WriteAllText(blocker, "not a folder");
        var status = new DataDirectoryStatus(new DataPaths(Path.Combine(blocker, "data")), _time);

        var (before, after) = status.Check();

        Assert.True(before.Writable);
        Assert.False(after.Writable);
        Assert.False(status.Writable);
        Assert.Contains(blocker, after.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void State_save_failures_are_counted_and_the_last_one_is_kept_until_a_save_succeeds()
    {
        var status = new DataDirectoryStatus(new DataPaths(_temp), _time);

        Assert.True(status.StateSaveFailed("/srv/data/deployments.json", new UnauthorizedAccessException("Access to the path is denied.", new IOException("Permission denied"))));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(status.StateSaveFailed("/srv/data/deployments.json", new IOException("No space left on device")));

        var failing = status.Snapshot();
        Assert.Equal(2, failing.StateSaveFailures);
        Assert.Equal("/srv/data/deployments.json: No space left on device", failing.LastStateSaveError);
        Assert.Equal(_time.GetUtcNow(), failing.LastStateSaveErrorAt);

        Assert.True(status.StateSaved());
        Assert.False(status.StateSaved());
        var saved = status.Snapshot();
        Assert.Equal(2, saved.StateSaveFailures);
        Assert.Null(saved.LastStateSaveError);
        Assert.Null(saved.LastStateSaveErrorAt);
    }

    [Fact]
    public void The_reason_keeps_the_systems_own_words_that_dotnet_wraps()
    {
        var wrapped = new UnauthorizedAccessException("Access to the path '/srv/data/x' is denied.", new IOException("Permission denied"));

        Assert.Equal("Access to the path '/srv/data/x' is denied. (Permission denied)", DataDirectoryProbe.Reason(wrapped));
        Assert.Equal("Read-only file system : '/srv/data/x'", DataDirectoryProbe.Reason(new IOException("Read-only file system : '/srv/data/x'")));
    }
}
