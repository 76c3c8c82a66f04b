using System.Diagnostics;
using System.Globalization;

namespace Serving.LoadTests.DataPlaneBench;

/// <summary>
/// What each monitor costs a single-row request, without HTTP's noise: one gateway per variant (monitoring off, each
/// monitor alone, every monitor on) in this process, each loaded in turn by one thread calling the data plane in a
/// tight loop, and judged by the whole process's CPU (utime+stime: the loop's thread, the monitoring threads, the
/// prediction log's writes and the garbage collector) over the requests answered. The rounds alternate the variants
/// so the machine's drift in speed falls on all alike; the medians are printed beside monitoring off's.
/// </summary>
internal static class MonitorCost
{
    // MONITOR_VARIANTS (space-separated) narrows the run, e.g. to one variant under a profiler.
    private static readonly string[] Variants =
        Environment.GetEnvironmentVariable("MONITOR_VARIANTS")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } only
            ? only
            : ["monitoring-off", "log-only", "drift-only", "performance-only", "defaults"];

    public static async Task RunAsync(int rounds, double seconds)
    {
        var benches = new Dictionary<string, DataPlaneBenchmarks>(StringComparer.Ordinal);
        try
        {
            foreach (var variant in Variants)
            {
                var bench = new DataPlaneBenchmarks { Gateway = variant, Rows = 1 };
                bench.Setup();
                benches[variant] = bench;
            }

            // Tiered compilation settles in each gateway's own code paths before anything is measured.
            foreach (var bench in benches.Values)
            {
                await LoadAsync(bench, 4);
            }

            var perRequest = Variants.ToDictionary(v => v, _ => new List<double>(), StringComparer.Ordinal);
            for (var round = 0; round < rounds; round++)
            {
                // Each round in another order: the first and last slots of a round are not always the same variant.
                var order = round % 2 == 0 ? Variants : [.. Variants.Reverse()];
                var line = new List<string>();
                foreach (var variant in order)
                {
                    var micros = await LoadAsync(benches[variant], seconds);
                    perRequest[variant].Add(micros);
                    line.Add(string.Create(CultureInfo.InvariantCulture, $"{variant}={micros:F2}"));
                }

                Console.WriteLine($"round {round + 1}: {string.Join(' ', line)}");
            }

            var off = perRequest.TryGetValue("monitoring-off", out var offs) ? Median(offs) : 0;
            Console.WriteLine("variant: median process CPU µs per request, and what it adds to monitoring off");
            foreach (var variant in Variants)
            {
                var median = Median(perRequest[variant]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {variant}: {median:F2} µs (+{median - off:F2}), off ÷ this {off / median:F3}"));
            }
        }
        finally
        {
            foreach (var bench in benches.Values)
            {
                bench.Cleanup();
            }
        }
    }

    /// <summary>Loads one gateway for <paramref name="seconds"/>; returns the process's CPU µs per request.</summary>
    private static async Task<double> LoadAsync(DataPlaneBenchmarks bench, double seconds)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        long requests = 0;
        while (Stopwatch.GetTimestamp() < until)
        {
            for (var i = 0; i < 256; i++)
            {
                await bench.Request();
            }

            requests += 256;
        }

        // The monitors' last drain of this slice lands in this slice, not in the next variant's.
        await Task.Delay(50);
        process.Refresh();
        return (process.TotalProcessorTime - cpuBefore).TotalMicroseconds / requests;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
