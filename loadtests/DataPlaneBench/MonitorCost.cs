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

/// <summary>
/// The prediction log's layout of one single-row record in a tight loop on one thread, its inputs' values written
/// as numbers against copied from the request's kept JSON text: what keeping the text saves the log per request.
/// </summary>
internal static class LayoutCost
{
    public static void Run(double seconds)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","data":[17.99,10.38,122.8,1001,0.1184,0.2776,0.3001,0.1471,0.2419,0.07871,1.095,0.9053,8.589,153.4,0.006399,0.04904,0.05373,0.01587,0.03003,0.006193,25.38,17.33,184.6,2019,0.1622,0.6656,0.7119,0.2654,0.4601,0.1189]}]}""");
        Serving.Core.Contracts.InferenceRequest Decode(bool keep) => Serving.Gateway.Rest.Oip.OipJsonRequestReader.ReadWithBinaryParts(
            body, new Serving.Gateway.Rest.Oip.OipBinaryParts([], hasHeader: false), "breast-cancer", null, Serving.Core.Inference.PredictionIds.DefaultMaxLength, keep, out _);
        var outputs = new[]
        {
            Serving.Core.Contracts.Tensor.FromValues("label", Serving.Core.Contracts.TensorDataType.Int64, [1, 1], (ReadOnlySpan<long>)[0L]),
            Serving.Core.Contracts.Tensor.FromValues("probability", Serving.Core.Contracts.TensorDataType.FP32, [1, 1], (ReadOnlySpan<float>)[0.008274943f]),
        };
        Serving.Core.Inference.InferenceRecord Record(bool keep) => new("breast-cancer", 2, Serving.Core.Contracts.RouteKind.Stable, "rest", DateTimeOffset.UtcNow,
            TimeSpan.FromMilliseconds(0.2), null, Decode(keep), new Serving.Core.Contracts.InferenceResponse { ModelName = "breast-cancer", ModelVersion = "2", Id = "87964ffc1a7380f90000000000000001", Outputs = outputs });

        var kept = Record(keep: true);
        var numbers = Record(keep: false);
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var (name, record) in new[] { ("numbers", numbers), ("kept text", kept), ("numbers", numbers), ("kept text", kept) })
            {
                var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
                var start = ThreadCpu.Nanoseconds();
                long calls = 0;
                while (Stopwatch.GetTimestamp() < until)
                {
                    for (var i = 0; i < 1024; i++)
                    {
                        Serving.Core.Monitoring.Logging.PredictionRecordWriter.ToUtf8(record);
                    }

                    calls += 1024;
                }

                if (pass == 1)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  layout, {name}: {(ThreadCpu.Nanoseconds() - start) / (double)calls:F0} CPU ns per record"));
                }
            }
        }
    }
}
