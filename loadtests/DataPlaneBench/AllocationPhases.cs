using System.Globalization;
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
    public static async Task RunAsync(string gateway)
    {
        var bench = new DataPlaneBenchmarks { Gateway = gateway };
        bench.Setup();
        try
        {
            const int Requests = 20_000;
            for (var i = 0; i < 2_000; i++)
            {
                await bench.Request();
            }

            using var sampler = Environment.GetEnvironmentVariable("DATAPLANE_SAMPLE") == "1" ? new AllocationSampler() : null;
            if (sampler is not null)
            {
                sampler.RequestThread = (ulong)Interop.CurrentThreadId();
                sampler.Recording = true;
            }

            long decode = 0, infer = 0, encode = 0;
            var process = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < Requests; i++)
            {
                var start = GC.GetAllocatedBytesForCurrentThread();
                var request = bench.Decode();
                var decoded = GC.GetAllocatedBytesForCurrentThread();
                var response = await bench.Service.InferAsync(request, CancellationToken.None);
                var inferred = GC.GetAllocatedBytesForCurrentThread();
                bench.Encode(response);
                var encoded = GC.GetAllocatedBytesForCurrentThread();
                decode += decoded - start;
                infer += inferred - decoded;
                encode += encoded - inferred;
            }

            await Task.Delay(200);
            process = GC.GetTotalAllocatedBytes(precise: true) - process;
            if (sampler is not null)
            {
                sampler.Recording = false;
                sampler.Print();
            }

            // The runtime alone, on inputs already bound: what the data plane adds is the rest of "infer".
            var generation = bench.Registry.Current.Models["breast-cancer"].Default!;
            var bound = RequestValidator.BindInputs("breast-cancer", generation.Binding, bench.Decode().Inputs);
            var names = generation.Binding.AllOutputSourceNames;
            long runtime = 0;
            for (var i = 0; i < Requests; i++)
            {
                var start = GC.GetAllocatedBytesForCurrentThread();
                await generation.Runtime.RunAsync(bound, names, CancellationToken.None);
                runtime += GC.GetAllocatedBytesForCurrentThread() - start;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"runtime alone: {runtime / (double)Requests:F0} bytes per call"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{gateway}: bytes per request on the request thread: decode {decode / (double)Requests:F0}, infer {infer / (double)Requests:F0}, encode {encode / (double)Requests:F0}; whole process {process / (double)Requests:F0}"));
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
