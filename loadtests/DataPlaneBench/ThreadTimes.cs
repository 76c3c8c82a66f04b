using System.Globalization;

namespace Serving.LoadTests.DataPlaneBench;

/// <summary>
/// CPU per thread of this process from /proc (Linux): which background thread (monitor reader, log writer, GC) spends
/// what. .NET names its threads' comm, so the monitors' readers show under their names (cut to 15 characters).
/// </summary>
internal static class ThreadTimes
{
    public static Dictionary<string, double> Snapshot()
    {
        var ticks = 100.0; // USER_HZ on Linux
        var byName = new Dictionary<string, double>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var name = stat[(open + 1)..close] + " " + Path.GetFileName(task);
                var fields = stat[(close + 2)..].Split(' ');
                var seconds = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ticks;
                byName[name] = seconds;
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return byName;
    }

    public static void Print(Dictionary<string, double> before, Dictionary<string, double> after, int requests)
    {
        foreach (var (name, seconds) in after.OrderByDescending(p => p.Value - before.GetValueOrDefault(p.Key)).Take(12))
        {
            var used = seconds - before.GetValueOrDefault(name);
            if (used > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  thread {name}: {used * 1e6 / requests:F1} CPU µs per request"));
            }
        }
    }
}
