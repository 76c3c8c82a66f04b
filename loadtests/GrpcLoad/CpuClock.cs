using System.Diagnostics;
using System.Globalization;

namespace Serving.LoadTests.GrpcLoad;

/// <summary>
/// CPU time used so far by this process or by another (the server) on Linux. On a shared machine, CPU per request
/// compares transports more fairly than requests per second, which also depend on what else runs there.
/// </summary>
internal static class CpuClock
{
    // /proc/<pid>/stat counts in USER_HZ ticks, which the Linux ABI fixes at 100 a second.
    private const double TicksPerSecond = 100;

    /// <summary>CPU time of this process, every thread, user and system.</summary>
    public static TimeSpan Own()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>CPU time of process <paramref name="pid"/>; null when it cannot be read (gone, or not Linux).</summary>
    public static TimeSpan? Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name, field 2, may hold spaces; the fields after its closing parenthesis are plain.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
