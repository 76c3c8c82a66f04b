using System.Globalization;
using Serving.Core.Inference;

namespace Serving.LoadTests.DataPlaneBench;

/// <summary>
/// CPU per call of each data-plane phase, each in its own tight loop on one thread: the thread's CPU clock is read
/// only at a loop's start and end, so (unlike <c>phases</c>) the clock's own cost does not blur single-row figures.
/// Background monitoring threads are not counted here; <c>phases</c> and dataplane.sh show those.
/// </summary>
internal static class PhaseLoops
{
    public static async Task RunAsync(string gateway, int rows, double seconds)
    {
        var bench = new DataPlaneBenchmarks { Gateway = gateway, Rows = rows };
        bench.Setup();
        try
        {
            var generation = bench.Registry.Current.Models["breast-cancer"].Default!;
            var bound = RequestValidator.BindInputs("breast-cancer", generation.Binding, bench.Decode().Inputs);
            var checkedInputs = RequestValidator.CheckInputs("breast-cancer", generation.Binding, bench.Decode().Inputs);
            var names = generation.Binding.AllOutputSourceNames;
            var response = await bench.Service.InferAsync(bench.Decode(), CancellationToken.None);

            // Twice: the first pass lets tiered compilation settle, the second is printed.
            for (var pass = 0; pass < 2; pass++)
            {
                var print = pass == 1;
                var decode = await TimeAsync(print, "decode (OIP JSON to request)", seconds, () => { bench.Decode(); return ValueTask.CompletedTask; });
                await TimeAsync(print, "runtime alone (bound inputs)", seconds, async () => await generation.Runtime.RunAsync(bound, names, CancellationToken.None));
                await TimeAsync(print, "runtime, checked inputs (the data plane's call)", seconds, async () => await generation.Runtime.RunCheckedAsync(checkedInputs, generation.Binding.AllOutputsCall, CancellationToken.None));
                await TimeAsync(print, "data plane (route, validate, run, observe)", seconds, async () => await bench.Service.InferAsync(bench.Decode(), CancellationToken.None), subtract: decode);
                await TimeAsync(print, "encode (response to JSON)", seconds, () => { bench.Encode(response); return ValueTask.CompletedTask; });
            }
        }
        finally
        {
            bench.Cleanup();
        }
    }

    /// <summary>Times <paramref name="action"/> in a loop; returns its CPU nanoseconds per call, less <paramref name="subtract"/>.</summary>
    private static async Task<double> TimeAsync(bool print, string name, double seconds, Func<ValueTask> action, double subtract = 0)
    {
        var (calls, ns) = await Loop(seconds, action);
        var per = (ns / (double)calls) - subtract;
        if (print)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: {per / 1e3:F2} CPU µs per call{(subtract > 0 ? " (decode subtracted)" : string.Empty)} ({calls} calls)"));
        }

        return per;
    }

    private static async Task<(long Calls, long Nanoseconds)> Loop(double seconds, Func<ValueTask> action)
    {
        var until = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(seconds * System.Diagnostics.Stopwatch.Frequency);
        var start = ThreadCpu.Nanoseconds();
        long calls = 0;
        while (true)
        {
            // Completes synchronously for an in-process runtime, so the loop stays on this thread.
            for (var i = 0; i < 256; i++)
            {
                await action();
            }

            calls += 256;
            if (System.Diagnostics.Stopwatch.GetTimestamp() >= until)
            {
                break;
            }
        }

        return (calls, ThreadCpu.Nanoseconds() - start);
    }
}
