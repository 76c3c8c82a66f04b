namespace Serving.Core.Storage;

/// <summary>
/// File writes that survive a crash or a power cut: whole files replaced atomically, flushed to the disk first, so
/// the name holds either the old content or the new, never an empty or half-written file. For state that is
/// rewritten whole and rarely (deployments, webhook subscriptions, the outbox's compaction).
/// </summary>
public static class AtomicFiles
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes <paramref name="bytes"/> to a temporary file beside <paramref name="path"/>, fsyncs it and renames it over the old one.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes, bool ownerOnly)
    {
        // A bare file name (a relative setting such as "deployments.json") has no folder to make.
        if (Path.GetDirectoryName(path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = path + ".tmp";
        File.Delete(temporary); // left by a crash: its mode would carry over, and the new mode applies only on creation
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (ownerOnly && !OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerReadWrite;
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
