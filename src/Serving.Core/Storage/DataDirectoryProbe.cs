namespace Serving.Core.Storage;

/// <summary>
/// Finds out whether a folder can be written the way the gateway writes: creates it if missing, then writes and
/// deletes a small file. Permissions alone do not tell (root ignores them, a read-only mount overrides them).
/// </summary>
public static class DataDirectoryProbe
{
    /// <summary>Null when the folder is writable, else the operating system's reason.</summary>
    public static string? Check(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            // A name of its own per process, so two gateways sharing a folder never delete each other's probe.
            var probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return Reason(ex);
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
