using Serving.Core.Storage;

namespace Serving.Core.Tests.Storage;

/// <summary>
/// The data directory's write probe on a full disk, where creating the probe file succeeds and writing its byte does
/// not: the check reports the system's reason and leaves no file behind, however often it runs.
/// </summary>
public sealed class DataDirectoryProbeTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("data-directory-probe-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void A_probe_created_and_then_refused_its_byte_is_removed_and_the_reason_reported()
    {
        for (var check = 0; check < 3; check++)
        {
            var problem = DataDirectoryProbe.Check(_temp, probe =>
            {
                // What File.WriteAllBytes does on a full disk: the file exists, its content is refused.
                File.Create(probe).Dispose();
                throw new IOException($"No space left on device : '{probe}'");
            });

            Assert.NotNull(problem);
            Assert.StartsWith("No space left on device", problem, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFileSystemEntries(_temp));
    }

    [Fact]
    public void A_writable_folder_passes_and_keeps_no_probe()
    {
        Assert.Null(DataDirectoryProbe.Check(_temp));
        Assert.Empty(Directory.GetFileSystemEntries(_temp));
    }
}
