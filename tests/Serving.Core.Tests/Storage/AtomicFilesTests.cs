using Serving.Core.Storage;

namespace Serving.Core.Tests.Storage;

/// <summary>Whole-file replacement: the new content under the name, no temporary file left, the folder made, the mode kept to the owner when asked.</summary>
public sealed class AtomicFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("atomic-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_file_is_replaced_whole_in_a_folder_made_for_it_with_no_temporary_file_left()
    {
        var path = Path.Combine(_folder, "state", "deployments.json");

        AtomicFiles.Write(path, "{\"v\":1}"u8, ownerOnly: false);
        AtomicFiles.Write(path, "{\"v\":2}"u8, ownerOnly: false);

        Assert.Equal("{\"v\":2}", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(Path.Combine(_folder, "state")));
    }

    [Fact]
    public void A_temporary_file_left_by_a_crash_is_not_taken_for_the_file()
    {
        var path = Path.Combine(_folder, "subscriptions.json");
        File.WriteAllText(path + ".tmp", "{\"half\":");

        AtomicFiles.Write(path, "[]"u8, ownerOnly: true);

        Assert.Equal("[]", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".tmp"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }
}
