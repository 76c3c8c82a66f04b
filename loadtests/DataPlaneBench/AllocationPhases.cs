using System.Globalization;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Oip;

namespace Serving.LoadTests.DataPlaneBench;

/// <summary>
/// Where a request's bytes go: allocations on the request's own thread per phase, and the whole process's (background
/// monitoring included), averaged over many requests. A quick guide for cutting allocations; BenchmarkDotNet's figure
/// is the one to report.
/// </summary>
internal static partial class Interop
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "gettid")]
    internal static partial int CurrentThreadId();
}

internal static class AllocationPhases
{
    public static async Task RunAsync(string gateway, int rows)
    {
        var bench = new DataPlaneBenchmarks { Gateway = gateway, Rows = rows, TimeConsumers = true };
        bench.Setup();
        try
        {
            // DATAPLANE_REQUESTS and DATAPLANE_WARMUP raise the counts, for steady-state (tier-1) figures of the consumers.
            var Requests = int.TryParse(Environment.GetEnvironmentVariable("DATAPLANE_REQUESTS"), out var asked) ? asked : rows > 1 ? 5_000 : 20_000;
            var warmup = int.TryParse(Environment.GetEnvironmentVariable("DATAPLANE_WARMUP"), out var warm) ? warm : 2_000;
            for (var i = 0; i < warmup; i++)
            {
                await bench.Request();
            }

            using var sampler = Environment.GetEnvironmentVariable("DATAPLANE_SAMPLE") == "1" ? new AllocationSampler() : null;
            await Task.Delay(200);
            foreach (var consumer in TimedConsumer.All)
            {
                consumer.Reset();
            }

            // After the wait, which resumes on another pool thread: the loop below then stays on this one, since the
            // data plane completes synchronously in-process, so this is the thread whose allocations are the requests'.
            if (sampler is not null)
            {
                sampler.RequestThread = (ulong)Interop.CurrentThreadId();
                sampler.Recording = true;
            }

            long decode = 0, infer = 0, encode = 0;
            long decodeCpu = 0, inferCpu = 0, encodeCpu = 0;
            var process = GC.GetTotalAllocatedBytes(precise: true);
            var processCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var threads = ThreadTimes.Snapshot();
            for (var i = 0; i < Requests; i++)
            {
                // InferAsync completes synchronously for an in-process runtime, so the thread's CPU clock covers it.
                var cpu0 = ThreadCpu.Nanoseconds();
                var start = GC.GetAllocatedBytesForCurrentThread();
                var request = bench.Decode();
                var decoded = GC.GetAllocatedBytesForCurrentThread();
                var cpu1 = ThreadCpu.Nanoseconds();
                var response = await bench.Service.InferAsync(request, CancellationToken.None);
                var inferred = GC.GetAllocatedBytesForCurrentThread();
                var cpu2 = ThreadCpu.Nanoseconds();
                bench.Encode(response);
                var encoded = GC.GetAllocatedBytesForCurrentThread();
                var cpu3 = ThreadCpu.Nanoseconds();
                decode += decoded - start;
                infer += inferred - decoded;
                encode += encoded - inferred;
                decodeCpu += cpu1 - cpu0;
                inferCpu += cpu2 - cpu1;
                encodeCpu += cpu3 - cpu2;
            }

            await Task.Delay(500);
            processCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - processCpu;
            var threadsAfter = ThreadTimes.Snapshot();
            process = GC.GetTotalAllocatedBytes(precise: true) - process;
            if (sampler is not null)
            {
                sampler.Recording = false;
                sampler.Print();
            }

            // Every interval above, and each consumer's per record, holds one clock reading of its own: taken off.
            var reading = ThreadCpu.ReadingCost();
            var readings = 4 + (2 * TimedConsumer.All.Count); // the request thread's four, and two per consumer per record
            double PerRequest(long nanoseconds, long count) => Math.Max(0, (nanoseconds / (double)count) - reading) / 1e3;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{gateway}, {rows} rows: CPU µs per request on the request thread: decode {PerRequest(decodeCpu, Requests):F2}, infer {PerRequest(inferCpu, Requests):F2}, encode {PerRequest(encodeCpu, Requests):F2} (a clock reading, {reading / 1e3:F2} µs, taken off each); whole process {Math.Max(0, processCpu.TotalMicroseconds - (readings * reading / 1e3 * Requests)) / Requests:F2} (its {readings} readings a request taken off; the rest: monitoring threads, log writer, GC)"));
            ThreadTimes.Print(threads, threadsAfter, Requests);
            foreach (var consumer in TimedConsumer.All)
            {
                var records = Math.Max(1, consumer.Records);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  consumer {consumer.Name}: {PerRequest(consumer.Nanoseconds, records):F2} CPU µs per record ({consumer.Records} records)"));
            }

            {
                // The prediction log's record layout alone (done off the request path: the pipeline's or the log writer's thread).
                var request = bench.Decode();
                var response = await bench.Service.InferAsync(request, CancellationToken.None);
                var record = new InferenceRecord("breast-cancer", 1, RouteKind.Stable, "rest", DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1), null, request, response);
                var bytes = 0;
                var c0 = ThreadCpu.Nanoseconds();
                for (var i = 0; i < 2000; i++)
                {
                    bytes = Serving.Core.Monitoring.Logging.PredictionRecordWriter.ToUtf8(record).Length;
                }

                var c1 = ThreadCpu.Nanoseconds();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"prediction log record layout: {(c1 - c0) / 2e6:F2} CPU µs per record ({bytes} bytes)"));
            }

            // The runtime alone, on inputs already bound: what the data plane adds is the rest of "infer".
            var generation = bench.Registry.Current.Models["breast-cancer"].Default!;
            var bound = RequestValidator.BindInputs("breast-cancer", generation.Binding, bench.Decode().Inputs);
            var names = generation.Binding.AllOutputSourceNames;
            long runtime = 0, runtimeCpu = 0;
            for (var i = 0; i < Requests; i++)
            {
                var cpu = ThreadCpu.Nanoseconds();
                var start = GC.GetAllocatedBytesForCurrentThread();
                await generation.Runtime.RunAsync(bound, names, CancellationToken.None);
                runtime += GC.GetAllocatedBytesForCurrentThread() - start;
                runtimeCpu += ThreadCpu.Nanoseconds() - cpu;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"runtime alone: {runtime / (double)Requests:F0} bytes and {runtimeCpu / 1e3 / Requests:F2} CPU µs (calling thread only) per call"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{gateway}: bytes per request on the request thread: decode {decode / (double)Requests:F0}, infer {infer / (double)Requests:F0}, encode {encode / (double)Requests:F0}; whole process {process / (double)Requests:F0}"));
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
