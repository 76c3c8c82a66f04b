using BenchmarkDotNet.Running;
using Serving.LoadTests.DataPlaneBench;

// loadtests/dataplane-bench.sh, or: dotnet run -c Release --project loadtests/DataPlaneBench [-- BenchmarkDotNet arguments]
// "phases [defaults|monitoring-off] [rows]" instead prints allocated bytes and CPU per request by phase (decode,
// infer, encode), CPU per record of each monitoring consumer, and allocated bytes for the whole process.
if (args is ["phases", ..])
{
    await AllocationPhases.RunAsync(args.Length > 1 ? args[1] : "defaults",
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1);
    return;
}

// "loops [defaults|monitoring-off] [rows] [seconds]": CPU per call of each phase in its own tight loop.
if (args is ["loops", ..])
{
    await PhaseLoops.RunAsync(args.Length > 1 ? args[1] : "defaults",
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1,
        args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

// "monitors [rounds] [seconds]": process CPU per single-row request with each monitor alone, all and none.
if (args is ["monitors", ..])
{
    await MonitorCost.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 6,
        args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

// "layout [seconds]": the prediction log's layout of one record, numbers against kept JSON text.
if (args is ["layout", ..])
{
    LayoutCost.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2);
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
