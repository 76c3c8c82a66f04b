using BenchmarkDotNet.Running;
using Serving.LoadTests.DataPlaneBench;

// loadtests/dataplane-bench.sh, or: dotnet run -c Release --project loadtests/DataPlaneBench [-- BenchmarkDotNet arguments]
// "phases" instead prints allocated bytes per request by phase (decode, infer, encode) and for the whole process.
if (args is ["phases", ..])
{
    await AllocationPhases.RunAsync(args.Length > 1 ? args[1] : "defaults");
    return;
}

// "ort <model.onnx> <payload.csv> <rows> <seconds> <threads>": ONNX Runtime alone, rows per second (dataplane.sh).
if (args is ["ort", var model, var csv, var rows, var seconds, var threads])
{
    OrtInProcess.Run(model, csv, int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture),
        double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), int.Parse(threads, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(DataPlaneBenchmarks).Assembly).Run(args, BenchConfig.Create());
