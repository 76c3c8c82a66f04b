namespace Serving.Tests.Shared;

/// <summary>What this test process holds open (Kestrel and the sinks run in it): the links in /proc/self/fd on Linux.</summary>
internal static class OpenFiles
{
    /// <summary>Open descriptors of this process; handles where there is no /proc.</summary>
    public static int Descriptors() => OperatingSystem.IsLinux()
        ? Directory.GetFileSystemEntries("/proc/self/fd").Length
        : System.Diagnostics.Process.GetCurrentProcess().HandleCount;

    /// <summary>Files this process holds open under <paramref name="root"/>.</summary>
    public static List<string> PathsUnder(string root)
    {
        var open = new List<string>();
        foreach (var fd in new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos())
        {
            try
            {
                if (fd.LinkTarget is { } target && target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    open.Add(target);
                }
            }
            catch (IOException)
            {
                // Closed between listing and reading: not open.
            }
        }

        return open;
    }
}
