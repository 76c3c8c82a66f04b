namespace Serving.Core.Storage;

/// <summary>
/// Finds out whether a folder can be written the way the gateway writes: creates it if missing, then writes and
/// deletes a small file. Permissions alone do not tell (root ignores them, a read-only mount overrides them).
/// </summary>
public static class DataDirectoryProbe
{
    /// <summary>Null when the folder is writable, else the operating system's reason.</summary>
    public static string? Check(string directory) => Check(directory, static probe => File.WriteAllBytes(probe, [1]));

    /// <param name="directory">The folder to probe.</param>
    /// <param name="write">Writes the probe file (tests stand in a write that fails half-way).</param>
    internal static string? Check(string directory, Action<string> write)
    {
        try
        {
            Directory.CreateDirectory(directory);
            // A name of its own per process, so two gateways sharing a folder never delete each other's probe.
            var probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            try
            {
                write(probe);
            }
            catch
            {
                // On a full disk the file is created and then its byte is refused: without this, every check (every
                // readiness probe) would leave one more empty file behind for as long as the disk stays full.
                DeleteQuietly(probe);
                throw;
            }

            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return Reason(ex);
        }
    }

    private static void DeleteQuietly(string probe)
    {
        try
        {
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The write's own failure is what the check reports; a probe that cannot go stays.
        }
    }

    /// <summary>
    /// The exception's message with the system's own words (such as "Permission denied") when .NET wraps them, without
    /// a closing full stop: it is set inside sentences of ours.
    /// </summary>
    public static string Reason(Exception exception)
    {
        var message = exception.InnerException is { } inner && !exception.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{exception.Message} ({inner.Message})"
            : exception.Message;
        return message.TrimEnd('.', ' ');
    }
}
