namespace Serving.Core.Events.Webhooks;

/// <summary>File writes that survive a crash: whole files replaced atomically, flushed to the disk first.</summary>
internal static class WebhookFiles
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes <paramref name="bytes"/> to a temporary file beside <paramref name="path"/>, fsyncs it and renames it over the old one.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes, bool ownerOnly)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
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
