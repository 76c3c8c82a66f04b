using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Serving.LoadTests.DataPlaneBench;

/// <summary>
/// ONNX Runtime alone, in this process, on the same model and row: the yardstick for the gateway's batch scenario.
/// Runs batches of <c>rows</c> copies of the payload row on <c>threads</c> threads for <c>seconds</c>, over
/// preallocated input memory (no JSON, no HTTP), and prints one line: <c>ORT_RESULT {"rows_per_s":..,"cpu_us_per_row":..}</c>.
/// </summary>
internal static class OrtInProcess
{
    public static void Run(string model, string csv, int rows, double seconds, int threads)
    {
        var row = File.ReadAllLines(csv)[1].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var data = new float[rows * row.Length];
        for (var r = 0; r < rows; r++)
        {
            row.CopyTo(data, r * row.Length);
        }

        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var input = session.InputMetadata.Keys.Single();
        var outputs = session.OutputMetadata.Where(o => o.Value.IsTensor).Select(o => o.Key).ToArray();
        long shapeCols = row.Length;
        long done = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(_ => Task.Run(() =>
        {
            using var runOptions = new RunOptions();
            using var value = OrtValue.CreateTensorValueFromMemory(data, [rows, shapeCols]);
            var names = new[] { input };
            var values = new[] { value };
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                using var results = session.Run(runOptions, names, values, outputs);
                Interlocked.Add(ref done, rows);
            }
        })).ToArray();
        Task.WaitAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ORT_RESULT {{\"rows\":{done},\"seconds\":{elapsed:F3},\"rows_per_s\":{done / elapsed:F1},\"cpu_us_per_row\":{cpu / Math.Max(1, done):F3}}}"));
    }
}
